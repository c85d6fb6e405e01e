// Fuzz harness: the Caffe network definition (.prototxt) reader.
#include <cstdint>

#include "engine/core/error.h"
#include "tests/fuzz/fuzz_input_file.h"
#include "tools/convert_caffe/prototxt_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = nsrg::fuzz::write_input("net.prototxt", data, size);
  try {
    nsrg::read_prototxt(path);
  } catch (const nsrg::UserError&) {
  }
  return 0;
}
