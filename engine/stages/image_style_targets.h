// The style targets of one rendered image: each style layer's base Gram (captured from the
// style images, or loaded from a kept style, style.targets) randomized for the image's
// seed; and keeping them (output.save_targets) as a style targets file beside the image.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/core/backend.h"
#include "engine/core/preprocess.h"
#include "engine/image/image.h"
#include "engine/net/masked_gram.h"
#include "engine/net/network.h"
#include "weights/sha256.h"
#include "weights/style_targets_file.h"

namespace nsrg {

class LayerSourcesLineage;

struct ImageStyleTargets {
  std::vector<Tensor> randomized;                 // targets made for this image
  std::map<std::string, const Tensor*> by_layer;  // into `randomized` or the base Grams
};

// The Grams of `layers` captured from `images` and blended by `blend_weights` (normalized);
// with `image_masks` (one per image), each taken over its masked features (capture_grams).
std::map<std::string, Tensor> capture_style_grams(Backend& backend, Network& network,
                                                  const Preprocess& preprocess,
                                                  const std::vector<Image>& images,
                                                  const std::vector<float>& blend_weights,
                                                  const std::vector<std::string>& layers,
                                                  int tile_size = 0,
                                                  const std::vector<LayerMasks>& image_masks = {});

// Eigendecompositions of base Grams by layer, where someone kept them (the explore session's
// shared resources); a layer without one is decomposed again for each image.
using BaseEigens = std::map<std::string, std::shared_ptr<const GramEigen>>;

// The randomization of `layer`'s Gram `base` for the render seed `seed` (the seed alone
// names a variant: Philox variant 0); `eigen`, when given, is base's eigendecomposition.
Tensor randomized_gram(Backend& backend, const Network& network, const Tensor& base,
                       const RandomizeSettings& settings, uint64_t seed, const std::string& layer,
                       const GramEigen* eigen = nullptr);

// The targets of `layers` for the render seed `seed`: the base Gram where the layer's mode is
// none or `randomize` is false (the un-randomized reference of a contact sheet row), else
// its randomization (from the layer's kept eigendecomposition in `base_eigens` when there
// is one). `base_grams` must outlive the result. `settings`, when given, is every layer's
// randomization instead of the config's (a region's own [regions.randomize]).
ImageStyleTargets make_style_targets(Backend& backend, const Network& network,
                                     const RenderConfig& config,
                                     const std::map<std::string, Tensor>& base_grams,
                                     const BaseEigens& base_eigens,
                                     const std::vector<std::string>& layers, uint64_t seed,
                                     bool randomize, const RandomizeSettings* settings = nullptr);

// style.targets' Gram matrices of `layers` on the backend (with `region` >= 0, those of that
// region of a regions file). UserError naming the file and the layer when a Gram's size is not
// the network's channel count at that layer, or the file is a regions file and no region is
// asked for (or the other way round).
std::map<std::string, Tensor> load_style_targets(Backend& backend, const Network& network,
                                                 const std::string& path,
                                                 const std::vector<std::string>& layers,
                                                 int region = -1);

// Writes each image's targets (output.save_targets). The source facts (style image and
// model hashes, a kept style's lineage and SHA-256) are gathered once, when it is made. The
// file records the size the Grams were measured at: `stage`'s when they were captured at
// it (from style images, or replayed), else the kept style's own. Its lineage is the root
// captured from the style images, or the kept style's lineage, with a randomize step
// appended when this image randomized any layer (naming the kept style by its SHA-256). With
// style.layer_sources a layer sources step comes before it (each of the file's layers with a
// source of its own: that source's lineage), and the randomize step names no parent file.
// With [[regions]] the file holds each region's Grams instead (`region_targets`, one per
// region) and nsrg.regions: each region's mask, weight, style masks and lineage (its images'
// capture or its kept style's lineage, then its randomize step, by its own settings), while
// nsrg.lineage's root is unknown (no one lineage makes the file's Grams).
class StyleTargetsWriter {
 public:
  // A file's SHA-256 in hex (sha256_file_hex, or a caller's memo of it).
  using FileHasher = std::function<std::string(const std::string& path)>;
  explicit StyleTargetsWriter(const RenderConfig& config,
                              const FileHasher& file_sha256 = sha256_file_hex);
  ~StyleTargetsWriter();
  void write(Backend& backend, const ImageStyleTargets& targets, const Stage& stage,
             const std::vector<std::string>& layers, uint64_t seed, const std::string& variant,
             bool randomized, const std::string& path,
             const std::vector<ImageStyleTargets>& region_targets = {}) const;

 private:
  // The regions' record before a render's step: each region's lineage so far.
  void start_regions(const FileHasher& file_sha256);
  // nsrg.regions for one image, and its Grams into `host` / `views` (one list per region).
  std::vector<KeptRegion> regions_for(Backend& backend,
                                      const std::vector<ImageStyleTargets>& region_targets,
                                      const Stage& stage, const std::vector<std::string>& layers,
                                      uint64_t seed, const std::string& variant, bool randomized,
                                      std::vector<std::vector<float>>& host,
                                      std::vector<std::vector<TensorView>>& views) const;

  const RenderConfig& config_;
  StyleTargetsInfo common_;
  std::string parent_sha256_;  // of style.targets; empty without one
  bool measured_here_ = true;  // the Grams are measured at each stage's size
  std::unique_ptr<LayerSourcesLineage> layer_sources_;  // null without style.layer_sources
  std::vector<KeptRegion> regions_;                     // [[regions]]: without their step
  std::vector<std::string> region_parent_sha256_;       // a region's kept style; "" for images
};

}  // namespace nsrg
