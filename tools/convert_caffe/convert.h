// The whole caffemodel -> weights-file conversion: read (and hash) the caffemodel, complete
// layer parameters from an optional prototxt, find the sequential chain, write the
// safetensors weights file (docs/design.md, "File formats") atomically.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/preprocess.h"

namespace nsrg {

struct ConvertOptions {
  std::string caffemodel_path;
  std::string prototxt_path;  // optional
  std::string output_path;
  bool keep_fully_connected = false;
  bool truncate_at_unsupported = false;
  Preprocess preprocess;  // defaults: Caffe's VGG convention (BGR, x255, ImageNet mean)
};

struct ConversionSummary {
  std::string output_path;
  int layer_count = 0, convolution_count = 0, relu_count = 0, pooling_count = 0;
  uint64_t parameter_count = 0;  // every parameter written (fully-connected ones included)
  std::vector<std::string> fully_connected_kept, fully_connected_dropped;
  std::string cut_before;             // see SequentialNetwork::cut_before
  std::string source;                 // the nsrg.source text written
  std::vector<std::string> warnings;  // things the user should check (printed by the CLI)
  // "<out>: 37 layers (16 convolution, 16 ReLU, 5 pooling), 20024384 parameters"
  std::string line() const;
};

// Throws UserError("<file>: <reason>") for bad input; the output is untouched then.
ConversionSummary convert_caffe(const ConvertOptions& options);

}  // namespace nsrg
