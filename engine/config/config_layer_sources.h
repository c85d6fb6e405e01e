// [style.layer_sources] (scale control): once the whole config is read, each layer source is
// checked against the rest of it: one source per layer (images or a kept style), a style
// layer, and a kept style that holds that layer, made with the config's model and in its
// colour mode.
#pragma once

#include "engine/config/config.h"
#include "engine/config/config_reader.h"

namespace nsrg::config_detail {

// Fails with one line naming style.layer_sources.<layer> (or its .images / .targets key)
// when a source gives both images and targets or neither, names an empty image list, or is
// for a layer that is neither in style.layers nor in sweep.style_layers; for a kept style,
// when the file is not a style targets file, holds no Gram of the layer, was made with another
// model (a weights file compared by SHA-256) or in another style.color mode.
void check_layer_sources(const SectionReader& style, const RenderConfig& config);

}  // namespace nsrg::config_detail
