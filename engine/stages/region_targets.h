// The style of [[regions]] at one stage's size: each region's mask (at the content image's
// size, then at every style layer's resolution) and its style images and Grams; and, per
// rendered image, each region's targets (randomized with the image's seed as the plain
// style targets are) as the objective's masked style terms.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/core/backend.h"
#include "engine/core/preprocess.h"
#include "engine/image/image.h"
#include "engine/net/masked_gram.h"
#include "engine/net/network.h"
#include "engine/net/objective.h"
#include "engine/stages/image_style_targets.h"

namespace nsrg {

struct RegionInputs {
  std::vector<float> mask;                      // the content image's height x width, in [0,1]
  int width = 0, height = 0;                    // the mask's size (the content image's)
  std::vector<Image> style_images;              // as StageInputs::style_images
  std::vector<std::vector<float>> style_masks;  // style_masks: each at its style image's size
  std::map<std::string, LayerMask> masks;       // every style layer used (after capture)
  std::map<std::string, Tensor> base_grams;     // every style layer used (after capture)
};

// Reads each region's mask at the size of `content` (a note in `notes` when it is stretched
// to another aspect ratio), its style images at `style_size`, under the config's colour
// control (color_controlled_styles, against `content`), and its style masks, each at its
// style image's size (a note when stretched, as for the region's mask).
std::vector<RegionInputs> load_region_images(const RenderConfig& config, const Image& content,
                                             int style_size, std::vector<std::string>& notes);

// Each region's masks at `style_layers` and its Grams there: its style images' blended by
// its blend weights (each over its style mask, brought to each layer as the region's mask
// is, when it has style masks), or its kept style's (the file's Grams, the same at every
// size).
void capture_region_targets(Backend& backend, Network& network, const Preprocess& preprocess,
                            const RenderConfig& config,
                            const std::vector<std::string>& style_layers,
                            std::vector<RegionInputs>& regions);

// The targets of one rendered image: per region, its base Grams randomized for `seed` (as
// make_style_targets does for the plain style; by the region's own [regions.randomize] when
// it has one), and the objective's terms pointing into them
// and into `regions` (which must outlive the result).
struct RegionTargets {
  std::vector<ImageStyleTargets> per_region;
  std::vector<RegionStyleTarget> terms;
};
RegionTargets make_region_targets(Backend& backend, const Network& network,
                                  const RenderConfig& config,
                                  const std::vector<RegionInputs>& regions,
                                  const std::vector<std::string>& layers, uint64_t seed,
                                  bool randomize);

}  // namespace nsrg
