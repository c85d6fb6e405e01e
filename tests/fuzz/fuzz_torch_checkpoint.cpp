// Fuzz harness: convert_torch's reader on a .pth file (zip or legacy format): format
// detection, libzip, the strict pickle reader, the state_dict, the layout checks and the
// gathering of every tensor that passes them.
#include <cstdint>

#include "engine/core/error.h"
#include "tests/fuzz/fuzz_input_file.h"
#include "tools/convert_torch/checkpoint_reader.h"
#include "tools/convert_torch/tensor_data.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = nsrg::fuzz::write_input("input.pth", data, size);
  try {
    const auto reader = nsrg::CheckpointReader::open(path);
    for (const nsrg::NamedTensor& tensor : reader->state_dict().tensors) {
      try {
        nsrg::read_tensor_float32(*reader, tensor);
      } catch (const nsrg::UserError&) {
      }
    }
  } catch (const nsrg::UserError&) {
  }
  return 0;
}
