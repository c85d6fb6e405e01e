// convert_and_read and the bit-for-bit tensor comparison against raw_caffemodel.
#include "conversion_check.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>

#include "raw_caffemodel.h"
#include "test_support.h"

namespace nsrg::test {

ConvertedFile convert_and_read(const ConvertOptions& options) {
  ConvertedFile converted;
  converted.summary = convert_caffe(options);
  converted.file = read_safetensors(options.output_path);
  converted.layers =
      parse_architecture(converted.file.metadata.at("nsrg.architecture"), options.output_path);
  return converted;
}

std::vector<std::string> layer_names(const std::vector<LayerSpec>& layers) {
  std::vector<std::string> names;
  for (const auto& layer : layers) names.push_back(layer.name);
  return names;
}

int expect_tensors_match_caffemodel(const SafetensorsFile& file,
                                    const std::string& caffemodel_path) {
  std::map<std::string, RawLayer> raw;
  for (auto& layer : read_raw_layers(read_file_bytes(caffemodel_path))) {
    raw.emplace(layer.name, std::move(layer));
  }
  int compared = 0;
  for (const auto& [name, tensor] : file.tensors) {
    const size_t dot = name.rfind('.');
    const std::string layer = name.substr(0, dot), role = name.substr(dot + 1);
    const size_t blob = role == "weight" ? 0 : 1;
    const auto found = raw.find(layer);
    if (found == raw.end()) {
      ADD_FAILURE() << name << ": no layer '" << layer << "' in " << caffemodel_path;
      continue;
    }
    if (found->second.blobs.size() <= blob) {
      // Only a bias may be missing (bias_term false): it must then be all zeros.
      EXPECT_EQ(role, "bias") << name;
      for (float value : tensor.data) EXPECT_EQ(value, 0.0f) << name;
      ++compared;
      continue;
    }
    const RawBlob& reference = found->second.blobs[blob];
    if (reference.float_bits.empty() && !reference.double_bits.empty()) {
      if (tensor.data.size() != reference.double_bits.size()) {
        ADD_FAILURE() << name << ": " << tensor.data.size() << " values, the caffemodel has "
                      << reference.double_bits.size();
        continue;
      }
      for (size_t i = 0; i < tensor.data.size(); ++i) {
        double value;
        std::memcpy(&value, &reference.double_bits[i], sizeof value);
        EXPECT_EQ(tensor.data[i], float(value)) << name << "[" << i << "]";
      }
    } else {
      if (tensor.data.size() != reference.float_bits.size()) {
        ADD_FAILURE() << name << ": " << tensor.data.size() << " values, the caffemodel has "
                      << reference.float_bits.size();
        continue;
      }
      std::vector<uint32_t> bits(tensor.data.size());
      std::memcpy(bits.data(), tensor.data.data(), bits.size() * sizeof(uint32_t));
      EXPECT_TRUE(bits == reference.float_bits) << name << " differs from the caffemodel's values";
    }
    ++compared;
  }
  return compared;
}

}  // namespace nsrg::test
