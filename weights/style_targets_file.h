// The style targets file ("a kept style"): the target Gram matrix of every style layer of
// one rendered image, after randomization, in safetensors with string metadata saying where
// it came from (style images and their SHA-256, model, layers, randomization, seed,
// variant) and its lineage (how to make the Grams again, weights/style_lineage.h). Written by
// output.save_targets, read by style.targets; format in docs/style_targets.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/randomization.h"
#include "weights/kept_regions.h"
#include "weights/safetensors.h"
#include "weights/style_lineage.h"

namespace nsrg {

// The format written; format "1" files (no lineage) are still read.
constexpr char kStyleTargetsFormat[] = "2";

// A style image the Grams came from (file, SHA-256, blend weight).
using StyleSource = LineageImage;

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
  Lineage lineage;     // root "unknown" for a format-1 file, and for a regions file
  // A kept style of a render with [[regions]] (nsrg.regions): each region's mask, weight and
  // lineage; its Grams are the tensors "region<r>.<layer>.gram" and the file holds no
  // "<layer>.gram". Empty for a file of a render without regions.
  std::vector<KeptRegion> regions;
};

struct StyleTargets {
  StyleTargetsInfo info;
  std::vector<HostTensor> grams;  // [C, C] each, in the order of info.layers; none with regions
  std::vector<std::vector<HostTensor>> region_grams;  // per region of info.regions, as grams
};

// Writes atomically. Each gram is [C, C] (checked): one per layer in `grams`, or, for a file
// with info.regions, `grams` empty and one per layer per region in `region_grams`.
void write_style_targets(const std::string& path, const StyleTargetsInfo& info,
                         const std::vector<TensorView>& grams,
                         const std::vector<std::vector<TensorView>>& region_grams = {});

// The metadata only (the header is validated, no tensor data is read). UserError
// "<path>: ..." naming the entry when the file is not a style targets file or an entry is
// missing or malformed.
StyleTargetsInfo read_style_targets_info(const std::string& path);

// Metadata and Gram matrices: every layer's tensor (of every region, for a regions file) must
// be present and square ([C, C], C >= 1), and no other tensor there, else UserError naming
// the file and the tensor.
StyleTargets read_style_targets(const std::string& path);

// "<layer>.gram"
std::string gram_tensor_name(const std::string& layer);

}  // namespace nsrg
