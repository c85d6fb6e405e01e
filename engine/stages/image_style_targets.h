// The style targets of one rendered image: each style layer's base Gram (captured from the
// style images, or loaded from a kept style, style.targets) randomized for the image's
// seed; and keeping them (output.save_targets) as a style targets file beside the image.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/core/backend.h"
#include "engine/core/preprocess.h"
#include "engine/image/image.h"
#include "engine/net/network.h"
#include "weights/style_targets_file.h"

namespace nsrg {

struct ImageStyleTargets {
  std::vector<Tensor> randomized;                 // targets made for this image
  std::map<std::string, const Tensor*> by_layer;  // into `randomized` or the base Grams
};

// The Grams of `layers` captured from `images` and blended by `blend_weights` (normalized).
std::map<std::string, Tensor> capture_style_grams(Backend& backend, Network& network,
                                                  const Preprocess& preprocess,
                                                  const std::vector<Image>& images,
                                                  const std::vector<float>& blend_weights,
                                                  const std::vector<std::string>& layers,
                                                  int tile_size = 0);

// The randomization of `layer`'s Gram `base` for the render seed `seed` (the seed alone
// names a variant: Philox variant 0).
Tensor randomized_gram(Backend& backend, const Network& network, const Tensor& base,
                       const RandomizeSettings& settings, uint64_t seed, const std::string& layer);

// The targets of `layers` for the render seed `seed`: the base Gram where the layer's mode is
// none or `randomize` is false (the un-randomized reference of a contact sheet row), else
// its randomization. `base_grams` must outlive the result.
ImageStyleTargets make_style_targets(Backend& backend, const Network& network,
                                     const RenderConfig& config,
                                     const std::map<std::string, Tensor>& base_grams,
                                     const std::vector<std::string>& layers, uint64_t seed,
                                     bool randomize);

// style.targets' Gram matrices of `layers` on the backend. UserError naming the file and the
// layer when a Gram's size is not the network's channel count at that layer.
std::map<std::string, Tensor> load_style_targets(Backend& backend, const Network& network,
                                                 const std::string& path,
                                                 const std::vector<std::string>& layers);

// Writes each image's targets (output.save_targets). The source facts (style image and
// model hashes, a kept style's lineage and SHA-256) are gathered once, when it is made. The
// file records the size the Grams were measured at: `stage`'s when they were captured at
// it (from style images, or replayed), else the kept style's own. Its lineage is the root
// captured from the style images, or the kept style's lineage, with a randomize step
// appended when this image randomized any layer (naming the kept style by its SHA-256).
class StyleTargetsWriter {
 public:
  explicit StyleTargetsWriter(const RenderConfig& config);
  void write(Backend& backend, const ImageStyleTargets& targets, const Stage& stage,
             const std::vector<std::string>& layers, uint64_t seed, const std::string& variant,
             bool randomized, const std::string& path) const;

 private:
  const RenderConfig& config_;
  StyleTargetsInfo common_;
  std::string parent_sha256_;  // of style.targets; empty without one
  bool measured_here_ = true;  // the Grams are measured at each stage's size
};

}  // namespace nsrg
