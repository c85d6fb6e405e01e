// One [[regions]] entry of the configuration: a mask and the style painted where it is white.
#pragma once

#include <string>
#include <vector>

#include "engine/core/randomization.h"

namespace nsrg {

// A region (docs/config.md, "[[regions]]"): `mask` a grey image file (white = the region,
// grey = partly, black = outside; resized to the content image), its style Grams from
// `images` blended by `blend_weights` (normalized to sum 1) or from the kept style
// `targets` (each image's Gram taken over its own mask when `style_masks` names one per
// image: a grey image resized to that style image), its term weighed by `weight` times
// style.weight, its Grams randomized by its own [regions.randomize] when
// `randomize_given`, else by the config's [randomize].
struct StyleRegion {
  std::string mask;     // resolved path
  std::string targets;  // resolved path of a kept style; empty: `images`
  // With `targets`: the region of that regions file (a kept style of a render with
  // [[regions]], applied as style.targets) whose Grams these are; -1: a plain kept style.
  int targets_region = -1;
  std::vector<std::string> images;       // resolved paths
  std::vector<std::string> style_masks;  // resolved paths, one per image, or none
  std::vector<float> blend_weights;
  float weight = 1.0f;
  bool randomize_given = false;
  RandomizeSettings randomize;  // every style layer's, when randomize_given
};

}  // namespace nsrg
