// [path], a morph through kept styles: once the whole config is read, the path's own rules
// (at least two different kept styles, no other source of style targets, one image per
// frame) and its files against the config, as for style.targets.
#pragma once

#include "engine/config/config.h"
#include "engine/config/config_reader.h"

namespace nsrg::config_detail {

// Fails with one line naming the key when path.styles has fewer than two files or only one
// distinct file, when style.targets is given too, or when the config asks for more than one
// image per frame (randomize.variants > 1, sweep.style_layers, [[stages]]) or for
// output.save_targets; then checks path.styles as check_kept_styles_match does (models,
// layers, levels).
void check_morph_path(const SectionReader& top, bool levels_given, RenderConfig& config);

}  // namespace nsrg::config_detail
