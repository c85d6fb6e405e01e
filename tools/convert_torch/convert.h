// The whole .pth -> weights-file conversion: hash the checkpoint, read its state_dict,
// recognize the VGG, choose the preprocessing, gather the conv tensors as float32, and write
// the safetensors weights file (docs/design.md format) atomically with write_model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nsrg {

struct TorchConvertOptions {
  std::string input_path;
  std::string output_path;
  std::string arch;    // "" (recognize), vgg11, vgg13, vgg16, vgg19
  std::string preset;  // "" (detect), torchvision, caffe
};

struct TorchConversionSummary {
  std::string output_path, arch, preset, preset_reason, format;
  int layer_count = 0, convolution_count = 0;
  uint64_t parameter_count = 0;
  std::vector<std::string> dropped;
  std::string source;  // the nsrg.source text written
  // "<out>: vgg19, 37 layers (16 convolution), 20024384 parameters; preset torchvision (...)"
  std::string line() const;
};

// Throws UserError("<file>: <reason>") for bad input; the output is untouched then.
TorchConversionSummary convert_torch(const TorchConvertOptions& options);

}  // namespace nsrg
