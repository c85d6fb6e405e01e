// Fuzz harness: PNG and JPEG reading (read_image), with a pixel limit of 256 x 256: the
// limit check runs the same way at any limit, and a small one keeps a 300-byte JPEG that
// declares 64288 x 20 pixels from costing a whole decode per execution (at 1 << 22 such
// inputs held campaigns to ~460 executions per second). A bad file must end in UserError;
// anything else is a finding.
#include <cstdint>

#include "engine/core/error.h"
#include "engine/image/image.h"
#include "tests/fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = nsrg::fuzz::write_input("image", data, size);
  try {
    const nsrg::Image image = nsrg::read_image(path, 1 << 16);
    if (image.rgb.size() != size_t(image.width) * size_t(image.height) * 3) __builtin_trap();
  } catch (const nsrg::UserError&) {
  }
  return 0;
}
