// Blending kept styles (style.targets with several files): the blend step, holding what a
// lineage "blend" step records (the space, and each parent's file, SHA-256 and weight), and
// the one function that turns a step into the blended Grams of a render's style layers.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/core/backend.h"
#include "engine/core/gram_blend.h"
#include "engine/net/network.h"

namespace nsrg {

struct BlendedFile {
  std::string file;    // a style targets file
  std::string sha256;  // of its bytes, as recorded; empty: not checked
  float weight = 1.0f;
};

struct StyleBlendStep {
  BlendSpace space = BlendSpace::Linear;
  std::vector<BlendedFile> parents;  // weights >= 0, summing to 1
};

// The step the config asks for: style.targets (each file's SHA-256 taken now),
// style.blend_weights and style.blend_space.
StyleBlendStep style_blend_step(const RenderConfig& config);

// The Grams of `layers` of `parents` (one map per parent, each holding every layer) blended
// with `weights` in `space` by blend_grams, layer by layer; one parent's Grams are returned
// as they are. Adds a line to `notes` for each layer blended by the Wasserstein fixed-point
// iteration (its iterations, and whether it converged).
std::map<std::string, Tensor> blend_parent_grams(Backend& backend,
                                                 std::vector<std::map<std::string, Tensor>> parents,
                                                 const std::vector<float>& weights,
                                                 BlendSpace space,
                                                 const std::vector<std::string>& layers,
                                                 std::vector<std::string>& notes);

// The Grams of `layers` blended per the step: each parent's Grams loaded (UserError naming
// the file when its bytes no longer have the recorded SHA-256, or a Gram does not fit the
// network), then blend_parent_grams.
std::map<std::string, Tensor> blend_kept_styles(Backend& backend, const Network& network,
                                                const StyleBlendStep& step,
                                                const std::vector<std::string>& layers,
                                                std::vector<std::string>& notes);

}  // namespace nsrg
