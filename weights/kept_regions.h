// The regions of a kept style made by a render with [[regions]] (the nsrg.regions metadata of
// a style targets file): per region, its mask (path and SHA-256), its weight, its style masks
// (when its Grams were taken over them) and the lineage of its Grams, which the file holds as
// the tensors "region<r>.<layer>.gram". Values, JSON text both ways. Format:
// docs/style_targets.md.
#pragma once

#include <string>
#include <vector>

#include "weights/style_lineage.h"

namespace nsrg {

constexpr size_t kMaxKeptRegions = 32;  // as [[regions]] in a config

struct KeptRegion {
  LineageImage mask;                      // file and SHA-256 (blend_weight unused)
  float weight = 1.0f;                    // regions[].weight
  std::vector<LineageImage> style_masks;  // one per root style image, or none
  Lineage lineage;                        // how the region's Grams were made
};

// "region<r>.<layer>.gram"
std::string region_gram_tensor_name(size_t region, const std::string& layer);

// The JSON text written as nsrg.regions.
std::string kept_regions_json_text(const std::vector<KeptRegion>& regions);

// Reads nsrg.regions text of `file`: a list of 1 to kMaxKeptRegions objects, each with its
// mask's file and SHA-256, a weight >= 0, style masks (files and SHA-256s) and a lineage
// (parse_lineage's checks); UserError "<file>: metadata entry nsrg.regions at <place>: ..."
// otherwise.
std::vector<KeptRegion> parse_kept_regions(const std::string& file, const std::string& text);

}  // namespace nsrg
