// Loading, capturing and randomizing the style of [[regions]].
#include "engine/stages/region_targets.h"

#include "engine/core/error.h"
#include "engine/image/image_output.h"
#include "engine/image/region_mask.h"
#include "engine/stages/stages.h"

namespace nsrg {

std::vector<RegionInputs> load_region_images(const RenderConfig& config, const Image& content,
                                             int style_size, std::vector<std::string>& notes) {
  std::vector<RegionInputs> regions;
  for (const StyleRegion& region : config.regions) {
    RegionInputs inputs;
    std::string note;
    inputs.mask =
        load_region_mask(region.mask, content.width, content.height, "the content image's", note);
    if (!note.empty()) notes.push_back(note);
    inputs.width = content.width;
    inputs.height = content.height;
    for (const std::string& path : region.images)
      inputs.style_images.push_back(load_image_at_size(path, style_size));
    inputs.style_images = color_controlled_styles(std::move(inputs.style_images), content,
                                                  config.style_color, config.style_color_match);
    for (size_t j = 0; j < region.style_masks.size(); ++j) {
      const Image& style = inputs.style_images.at(j);
      inputs.style_masks.push_back(
          load_region_mask(region.style_masks[j], style.width, style.height,
                           msg("its style image ", region.images[j], "'s"), note));
      if (!note.empty()) notes.push_back(note);
    }
    regions.push_back(std::move(inputs));
  }
  return regions;
}

void capture_region_targets(Backend& backend, Network& network, const Preprocess& preprocess,
                            const RenderConfig& config,
                            const std::vector<std::string>& style_layers,
                            std::vector<RegionInputs>& regions) {
  NSRG_CHECK(regions.size() == config.regions.size(), regions.size(), " region inputs for ",
             config.regions.size(), " regions");
  for (size_t i = 0; i < regions.size(); ++i) {
    RegionInputs& region = regions[i];
    region.masks = layer_masks(backend, network, region.mask, region.height, region.width,
                               style_layers, config.regions[i].mask);
    const StyleRegion& settings = config.regions[i];
    std::vector<LayerMasks> style_masks;
    for (size_t j = 0; j < region.style_masks.size(); ++j) {
      const Image& style = region.style_images.at(j);
      style_masks.push_back(layer_masks(backend, network, region.style_masks[j], style.height,
                                        style.width, style_layers, settings.style_masks.at(j)));
    }
    region.base_grams =
        settings.targets.empty()
            ? capture_style_grams(backend, network, preprocess, region.style_images,
                                  settings.blend_weights, style_layers, 0, style_masks)
            : load_style_targets(backend, network, settings.targets, style_layers,
                                 settings.targets_region);
  }
}

RegionTargets make_region_targets(Backend& backend, const Network& network,
                                  const RenderConfig& config,
                                  const std::vector<RegionInputs>& regions,
                                  const std::vector<std::string>& layers, uint64_t seed,
                                  bool randomize) {
  RegionTargets targets;
  targets.per_region.reserve(regions.size());
  for (size_t i = 0; i < regions.size(); ++i) {
    const StyleRegion& region = config.regions[i];
    targets.per_region.push_back(
        make_style_targets(backend, network, config, regions[i].base_grams, {}, layers, seed,
                           randomize, region.randomize_given ? &region.randomize : nullptr));
    for (const std::string& layer : layers)
      targets.terms.push_back({layer, &regions[i].masks.at(layer),
                               targets.per_region.back().by_layer.at(layer),
                               config.regions[i].weight});
  }
  return targets;
}

}  // namespace nsrg
