// Scale control ([style.layer_sources]): some style layers take their Grams from a source of
// their own, style images or a kept style, instead of [style]'s. This file holds what a stage
// does with them: the sources' images at the stage's size, their Grams, and the lineage a kept
// style made by such a render records.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/core/backend.h"
#include "engine/core/preprocess.h"
#include "engine/image/image.h"
#include "engine/net/network.h"
#include "weights/sha256.h"
#include "weights/style_lineage.h"

namespace nsrg {

// The images of each layer source that has images, by layer: each at
// ceil(style_scale * image_size) of `stage`, under [style]'s colour control against
// `content_colors` (the content image in colour at the stage's size), as [style]'s images.
std::map<std::string, std::vector<Image>> load_layer_source_images(const RenderConfig& config,
                                                                   const Stage& stage,
                                                                   const Image& content_colors);

// The layers of `style_layers` that keep [style]'s source (all of them without
// style.layer_sources), in their order.
std::vector<std::string> layers_of_style_source(const RenderConfig& config,
                                                const std::vector<std::string>& style_layers);

// Adds to `grams` the Gram of each layer of `style_layers` that has a source of its own: the
// source images' Grams blended with equal weights (the Grams those images give as [style]'s
// images), or the kept style file's Gram of that layer.
void capture_layer_source_grams(Backend& backend, Network& network, const Preprocess& preprocess,
                                const RenderConfig& config,
                                const std::map<std::string, std::vector<Image>>& images,
                                const std::vector<std::string>& style_layers,
                                std::map<std::string, Tensor>& grams);

// A lineage root of Grams captured with `model` (its weights file's SHA-256 `model_sha256`)
// from `images` blended by `weights`, under the config's colour control (the content image
// recorded when that changed the images). The caller sets its style scale. `file_sha256`
// hashes the files (sha256_file_hex, or a caller's memo of it).
LineageRoot captured_images_root(
    const RenderConfig& config, const std::string& model, const std::string& model_sha256,
    const std::vector<std::string>& images, const std::vector<float>& weights,
    const std::function<std::string(const std::string&)>& file_sha256 = sha256_file_hex);

// The lineage step of a kept style made by a render with layer sources: each layer source's
// own lineage (images: their capture; a kept style: the file's SHA-256 and lineage), read
// once. `for_layers` gives the step of a kept style's layers, at the stage's style scale.
class LayerSourcesLineage {
 public:
  LayerSourcesLineage(const RenderConfig& config, const std::string& model,
                      const std::string& model_sha256);
  // The step for the sources of `layers` (none: nothing to record, `sources` empty).
  LayerSourcesStep for_layers(const std::vector<std::string>& layers, float style_scale) const;

 private:
  std::map<std::string, LayerSourceLineage> sources_;
};

}  // namespace nsrg
