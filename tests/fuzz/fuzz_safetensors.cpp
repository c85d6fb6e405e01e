// Fuzz harness: weights file loading (safetensors header and data, metadata, architecture
// and tensor checks) through load_architecture and load_model.
#include <cstdint>

#include "engine/core/error.h"
#include "tests/fuzz/fuzz_input_file.h"
#include "weights/model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = nsrg::fuzz::write_input("weights.safetensors", data, size);
  try {
    const auto layers = nsrg::load_architecture(path);
    nsrg::load_model(path, layers.back().name);
  } catch (const nsrg::UserError&) {
  }
  return 0;
}
