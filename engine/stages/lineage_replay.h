// style.replay: a kept style's Gram matrices rebuilt from its lineage at a stage's size. The
// root's style images are loaded at ceil(root style_scale x image_size) and captured with the
// root's blend weights, then every step is applied again: a randomize step with its seed,
// as the renders that made the file applied it; a blend (the first step of a lineage whose
// root is "blend") by replaying every parent's own lineage the same way and blending their
// Grams with the recorded space and weights; a layer sources step by replaying each source's
// own lineage (its images' capture, or its kept style's whole lineage) for its layer alone,
// that Gram replacing the layer's. So at the file's own size on the CPU the Grams come back
// bit for bit.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/core/backend.h"
#include "engine/image/image.h"
#include "engine/net/network.h"
#include "weights/style_lineage.h"

namespace nsrg {

// The lineage of config.style_targets (checked replayable when the config was loaded).
Lineage replayed_lineage(const RenderConfig& config);

// The style images of every root of the lineage (image_roots' order, each root's images in
// order) for a render of `image_size`, each root's at its own style scale.
std::vector<Image> load_root_style_images(const Lineage& lineage, int image_size);

// The Grams of `layers`: `root_images` (load_root_style_images') captured and blended per
// root, then the lineage's steps applied in order. Adds a line to `notes` for each layer
// a Wasserstein blend step blended by its fixed-point iteration.
std::map<std::string, Tensor> replay_grams(Backend& backend, Network& network,
                                           const Preprocess& preprocess, const Lineage& lineage,
                                           const std::vector<Image>& root_images,
                                           const std::vector<std::string>& layers,
                                           std::vector<std::string>& notes);

}  // namespace nsrg
