// Fuzz harness: style targets files (style.targets): the safetensors container, the
// metadata entries (JSON lists of layers, style images and randomization, numbers) and the
// Gram tensors' shapes, through read_style_targets_info and read_style_targets.
#include <cstdint>

#include "engine/core/error.h"
#include "tests/fuzz/fuzz_input_file.h"
#include "weights/style_targets_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = nsrg::fuzz::write_input("kept.style.safetensors", data, size);
  try {
    nsrg::read_style_targets_info(path);
    nsrg::read_style_targets(path);
  } catch (const nsrg::UserError&) {
  }
  return 0;
}
