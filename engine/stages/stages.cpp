// The stages of a render, their inputs and targets, and the image hand-over between them.
#include "engine/stages/stages.h"

#include <cmath>

#include "engine/image/color_transfer.h"
#include "engine/image/image_output.h"
#include "engine/net/targets.h"
#include "engine/stages/image_style_targets.h"
#include "engine/stages/layer_sources.h"
#include "engine/stages/lineage_replay.h"
#include "engine/stages/memory_check.h"
#include "engine/stages/morph_path.h"
#include "engine/stages/style_blend.h"

namespace nsrg {

int style_image_size(float style_scale, int image_size) {
  return int(std::ceil(style_scale * image_size));
}

std::vector<Image> color_controlled_styles(std::vector<Image> styles, const Image& content,
                                           StyleColor color, ColorMatch match) {
  for (Image& style : styles)
    style = color == StyleColor::Luminance ? matched_luminance(style, content)
                                           : matched_colors(style, content, match);
  return styles;
}

StageInputs load_stage_images(const RenderConfig& config, const Stage& stage) {
  StageInputs inputs;
  inputs.content_colors = load_image_at_size(config.content_image, stage.image_size);
  inputs.content_image = config.style_color == StyleColor::Luminance
                             ? luminance_image(inputs.content_colors)
                             : inputs.content_colors;
  inputs.layer_source_images = load_layer_source_images(config, stage, inputs.content_colors);
  if (config.style_replay) {  // the lineage's root images, under the root's colour control
    inputs.style_images = load_root_style_images(replayed_lineage(config), stage.image_size);
    return inputs;
  }
  const int style_size = style_image_size(stage.style_scale, stage.image_size);
  for (const std::string& path : config.style_images)
    inputs.style_images.push_back(load_image_at_size(path, style_size));
  inputs.style_images =
      color_controlled_styles(std::move(inputs.style_images), inputs.content_colors,
                              config.style_color, config.style_color_match);
  inputs.regions = load_region_images(config, inputs.content_colors, style_size, inputs.notes);
  return inputs;
}

void capture_stage_targets(Backend& backend, Network& network, const Preprocess& preprocess,
                           const RenderConfig& config,
                           const std::vector<std::string>& all_style_layers, int tile_size,
                           StageInputs& inputs) {
  // [style]'s source makes the Grams of the layers without a source of their own.
  const std::vector<std::string> style_layers = layers_of_style_source(config, all_style_layers);
  inputs.content_tensor = image_to_tensor(backend, inputs.content_image, preprocess);
  inputs.content_targets =
      capture_features(backend, network, inputs.content_tensor, config.content_layers, tile_size);
  if (config.style_replay) {  // a kept style rebuilt at this size from its lineage
    inputs.base_grams = replay_grams(backend, network, preprocess, replayed_lineage(config),
                                     inputs.style_images, style_layers, inputs.notes);
  } else if (config.path.given) {  // a morph path: its first frame (each next frame its own)
    inputs.base_grams = frame_grams(backend, network, config.path, path_frames(config.path).front(),
                                    style_layers, inputs.notes);
  } else if (!config.style_targets.empty()) {  // kept styles: the same Grams at every size
    inputs.base_grams =
        blend_kept_styles(backend, network, style_blend_step(config), style_layers, inputs.notes);
  } else {
    inputs.base_grams = capture_style_grams(backend, network, preprocess, inputs.style_images,
                                            config.style_blend_weights, style_layers, tile_size);
  }
  capture_layer_source_grams(backend, network, preprocess, config, inputs.layer_source_images,
                             all_style_layers, inputs.base_grams);
  capture_region_targets(backend, network, preprocess, config, style_layers, inputs.regions);
}

MemoryPlanInput memory_plan_input(const RenderConfig& config, const std::vector<LayerSpec>& layers,
                                  const std::vector<std::vector<std::string>>& style_layer_sets,
                                  const std::vector<Stage>& stages,
                                  const std::vector<StageInputs>& inputs, const Backend& backend) {
  MemoryPlanInput input;
  input.layers = layers;
  input.content_layers = config.content_layers;
  input.style_layer_sets = style_layer_sets;
  for (const auto& set : style_layer_sets)
    for (const std::string& layer : set)
      if (config.randomization_for(layer).mode != RandomizeMode::None)
        input.randomized_layers.insert(layer);
  auto shape_of = [](const Image& image) { return Shape{1, 3, image.height, image.width}; };
  for (size_t i = 0; i < stages.size(); ++i) {
    MemoryPlanInput::Stage stage;
    stage.content = shape_of(inputs[i].content_image);
    for (const Image& style : inputs[i].style_images) stage.styles.push_back(shape_of(style));
    // Layer sources' images, counted as if captured with [style]'s (an upper bound: each
    // source is captured alone, and only to its layer).
    for (const auto& source : inputs[i].layer_source_images)
      for (const Image& style : source.second) stage.styles.push_back(shape_of(style));
    for (const RegionInputs& region : inputs[i].regions)  // captured as the style images are
      for (const Image& style : region.style_images) stage.styles.push_back(shape_of(style));
    stage.optimizer = stages[i].optimizer;
    stage.tile_size =
        config.evaluation.tile_size == kAutoTileSize ? kAutoTile : config.evaluation.tile_size;
    input.stages.push_back(stage);
  }
  if (!config.style_targets.empty()) input.kept_style_weights = config.style_blend_weights;
  input.blend_space = config.style_blend_space;
  input.regions = int(config.regions.size());
  if (config.path.given) {  // every frame blends two kept styles
    input.kept_style_weights = {0.5f, 0.5f};
    input.blend_space = config.path.space;
  }
  input.backend = &backend;
  return input;
}

std::vector<Image> sheet_style_images(const StageInputs& inputs) {
  std::vector<Image> styles = inputs.style_images;
  for (const RegionInputs& region : inputs.regions)
    styles.insert(styles.end(), region.style_images.begin(), region.style_images.end());
  for (const auto& source : inputs.layer_source_images)
    styles.insert(styles.end(), source.second.begin(), source.second.end());
  return styles;
}

Tensor resize_for_stage(Backend& backend, const Tensor& x, const Preprocess& preprocess, int width,
                        int height) {
  const Image pixels = tensor_to_image(backend, x, preprocess);
  return image_to_tensor(backend, resize(pixels, width, height), preprocess);
}

}  // namespace nsrg
