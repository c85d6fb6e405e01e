// Test helpers that convert a caffemodel and read the result back, and that compare the
// written tensors bit for bit with the independent raw reader.
#pragma once

#include <string>
#include <vector>

#include "tools/convert_caffe/convert.h"
#include "weights/model.h"
#include "weights/safetensors.h"

namespace nsrg::test {

struct ConvertedFile {
  ConversionSummary summary;
  SafetensorsFile file;
  std::vector<LayerSpec> layers;  // parsed nsrg.architecture
};

ConvertedFile convert_and_read(const ConvertOptions& options);

// Names of the layers, in order.
std::vector<std::string> layer_names(const std::vector<LayerSpec>& layers);

// Every "<layer>.weight"/"<layer>.bias" tensor of `file` equals, bit for bit, blob 0/1 of the
// layer of that name in the caffemodel at `caffemodel_path` (read without the converter).
// Returns how many tensors were compared; adds gtest failures for mismatches.
int expect_tensors_match_caffemodel(const SafetensorsFile& file,
                                    const std::string& caffemodel_path);

}  // namespace nsrg::test
