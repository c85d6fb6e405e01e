// The style targets file ("a kept style"): the target Gram matrix of every style layer of
// one rendered image, after randomization, in safetensors with string metadata saying where
// it came from (style images and their SHA-256, model, layers, randomization, seed,
// variant). Written by output.save_targets, read by style.targets; format in
// docs/style_targets.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/randomization.h"
#include "weights/safetensors.h"

namespace nsrg {

constexpr char kStyleTargetsFormat[] = "1";

struct StyleSource {
  std::string file;    // the style image's path as the config resolved it
  std::string sha256;  // of the file's bytes
  float blend_weight = 1.0f;
};

// One layer's randomization, as it was applied.
struct TargetRandomization {
  std::string layer;
  RandomizeSettings settings;
};

struct StyleTargetsInfo {
  std::string model;                // the config's model: "builtin:..." or the weights file's path
  std::string model_sha256;         // of the weights file; empty for a built-in model
  std::vector<std::string> layers;  // in network order, one Gram tensor "<layer>.gram" each
  std::vector<StyleSource> sources;
  std::vector<TargetRandomization> randomization;  // one per layer
  uint64_t seed = 0;
  std::string variant;  // "a", "b", ... or "none" for an un-randomized reference
  int image_size = 0;
  float style_scale = 1.0f;
  std::string levels;  // the output levels of the render the targets came from
};

struct StyleTargets {
  StyleTargetsInfo info;
  std::vector<HostTensor> grams;  // [C, C] each, in the order of info.layers
};

// Writes atomically. Each gram is [C, C] (checked).
void write_style_targets(const std::string& path, const StyleTargetsInfo& info,
                         const std::vector<TensorView>& grams);

// The metadata only (the header is validated, no tensor data is read). UserError
// "<path>: ..." naming the entry when the file is not a style targets file or an entry is
// missing or malformed.
StyleTargetsInfo read_style_targets_info(const std::string& path);

// Metadata and Gram matrices: every layer's tensor must be present and square ([C, C],
// C >= 1), else UserError naming the file and the tensor.
StyleTargets read_style_targets(const std::string& path);

// "<layer>.gram"
std::string gram_tensor_name(const std::string& layer);

}  // namespace nsrg
