// Fuzz harness: the lineage metadata of a kept style, the JSON text itself: nsrg.lineage
// (weights/style_lineage.h: types, sizes, names, SHA-256s, nested blends) or, for a text
// that starts with '[', nsrg.regions (weights/kept_regions.h: each region's mask and its
// lineage). A value that reads must write back to text that reads again to the same text.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "engine/core/error.h"
#include "weights/kept_regions.h"
#include "weights/style_lineage.h"

namespace {

// Reads `text` as the entry, writes it back, and aborts unless that reads to the same text.
template <class Parse, class Write>
void round_trip(const std::string& text, Parse parse, Write write) {
  const std::string written = write(parse("lineage.json", text));
  if (write(parse("written.json", written)) != written) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    if (!text.empty() && text[0] == '[')
      round_trip(text, nsrg::parse_kept_regions, nsrg::kept_regions_json_text);
    else
      round_trip(text, nsrg::parse_lineage, nsrg::lineage_json_text);
  } catch (const nsrg::UserError&) {
  }
  return 0;
}
