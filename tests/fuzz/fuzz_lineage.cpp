// Fuzz harness: the nsrg.lineage metadata of a kept style (weights/style_lineage.h), the
// JSON text itself: types, sizes, names, SHA-256s, nested blends. A lineage that reads
// must write back to text that reads again to the same text.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "engine/core/error.h"
#include "weights/style_lineage.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const nsrg::Lineage lineage = nsrg::parse_lineage("lineage.json", text);
    const std::string written = nsrg::lineage_json_text(lineage);
    if (nsrg::lineage_json_text(nsrg::parse_lineage("written.json", written)) != written)
      std::abort();
  } catch (const nsrg::UserError&) {
  }
  return 0;
}
