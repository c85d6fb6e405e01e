// style.replay: a kept style's Gram matrices rebuilt from its lineage at a stage's size. The
// root's style images are loaded at ceil(root style_scale x image_size) and captured with the
// root's blend weights, then every randomize step is applied again with its seed, as the
// renders that made the file applied it (so at the file's own size on the CPU the Grams come
// back bit for bit).
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

// The root's style images for a render of `image_size`.
std::vector<Image> load_root_style_images(const LineageRoot& root, int image_size);

// The Grams of `layers`: `root_images` (load_root_style_images') captured and blended, then
// the lineage's steps applied in order.
std::map<std::string, Tensor> replay_grams(Backend& backend, Network& network,
                                           const Preprocess& preprocess, const Lineage& lineage,
                                           const std::vector<Image>& root_images,
                                           const std::vector<std::string>& layers);

}  // namespace nsrg
