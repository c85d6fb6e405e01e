// Replaying a kept style's lineage: the root captured again, the steps applied again.
#include "engine/stages/lineage_replay.h"

#include "engine/core/error.h"
#include "engine/image/image_output.h"
#include "engine/stages/image_style_targets.h"
#include "engine/stages/stages.h"
#include "weights/style_targets_file.h"

namespace nsrg {

Lineage replayed_lineage(const RenderConfig& config) {
  NSRG_CHECK(config.style_replay && config.style_targets.size() == 1,
             "replay without one style.targets file (checked when the config was loaded)");
  return read_style_targets_info(config.style_targets.front()).lineage;
}

std::vector<Image> load_root_style_images(const LineageRoot& root, int image_size) {
  NSRG_CHECK(root.kind == LineageRootKind::Images,
             "replay of a lineage without images (checked when the config was loaded)");
  std::vector<Image> images;
  const int size = style_image_size(root.style_scale, image_size);
  for (const LineageImage& image : root.style_images)
    images.push_back(load_image_at_size(image.file, size));
  if (!uses_color_source(root)) return images;
  // The colour control they were captured with, against the recorded content image at this
  // render's size (as the capture did at its own).
  const Image content = load_image_at_size(root.color_source.file, image_size);
  return color_controlled_styles(std::move(images), content, root.color, root.color_match);
}

std::map<std::string, Tensor> replay_grams(Backend& backend, Network& network,
                                           const Preprocess& preprocess, const Lineage& lineage,
                                           const std::vector<Image>& root_images,
                                           const std::vector<std::string>& layers) {
  NSRG_CHECK(root_images.size() == lineage.root.style_images.size(), root_images.size(),
             " root images for ", lineage.root.style_images.size(), " in the lineage");
  std::vector<float> weights;
  for (const LineageImage& image : lineage.root.style_images) weights.push_back(image.blend_weight);
  std::map<std::string, Tensor> grams =
      capture_style_grams(backend, network, preprocess, root_images, weights, layers);
  for (const LineageStep& step : lineage.steps) {
    const RandomizeStep* randomize = std::get_if<RandomizeStep>(&step);
    NSRG_CHECK(randomize != nullptr, "replay of a blend step (refused when the config was loaded)");
    for (const std::string& layer : layers) {
      const TargetRandomization* entry = nullptr;
      for (const TargetRandomization& r : randomize->layers)
        if (r.layer == layer) entry = &r;
      NSRG_CHECK(entry != nullptr, "layer ", layer,
                 " missing from a lineage step (checked when the config was loaded)");
      if (entry->settings.mode == RandomizeMode::None) continue;
      grams[layer] = randomized_gram(backend, network, grams.at(layer), entry->settings,
                                     randomize->seed, layer);
    }
  }
  return grams;
}

}  // namespace nsrg
