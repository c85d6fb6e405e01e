// Fuzz harness: the nsrg.architecture and nsrg.preprocess metadata JSON. The input is the
// architecture text, then optionally a NUL byte and the preprocess text. What parses must
// write back to JSON that parses to the same layers.
#include <cstdint>
#include <cstring>
#include <string>

#include "engine/core/error.h"
#include "weights/model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t split = input.find('\0');
  try {
    const auto layers = nsrg::parse_architecture(input.substr(0, split), "fuzz");
    const std::string written = nsrg::architecture_to_json(layers);
    if (nsrg::architecture_to_json(nsrg::parse_architecture(written, "rewritten")) != written)
      __builtin_trap();
  } catch (const nsrg::UserError&) {
  }
  if (split == std::string::npos) return 0;
  try {
    nsrg::parse_preprocess(input.substr(split + 1), "fuzz");
  } catch (const nsrg::UserError&) {
  }
  return 0;
}
