// The stages of a render, their inputs and targets, and the image hand-over between them.
#include "engine/stages/stages.h"

#include <cmath>

#include "engine/image/image_output.h"
#include "engine/net/targets.h"
#include "engine/stages/image_style_targets.h"

namespace nsrg {

OptimizerSettings top_level_optimizer_settings(const RenderConfig& config) {
  OptimizerSettings settings;
  settings.kind = config.optimizer;
  settings.learning_rate = config.learning_rate;
  settings.history = config.history;
  settings.history_precision = config.history_precision;
  settings.beta1 = config.beta1;
  settings.beta2 = config.beta2;
  settings.epsilon = config.epsilon;
  return settings;
}

std::vector<RenderStage> render_stages(const RenderConfig& config) {
  std::vector<StageConfig> stages = config.stages;
  if (stages.empty())  // one stage of the top-level keys
    stages.push_back(StageConfig{config.image_size, config.iterations, config.optimizer,
                                 config.learning_rate, config.history, config.tv_weight,
                                 config.style_scale});
  std::vector<RenderStage> result;
  for (const StageConfig& s : stages) {
    RenderStage stage;
    stage.image_size = s.image_size;
    stage.iterations = s.iterations;
    stage.style_scale = s.style_scale;
    stage.tv_weight = s.tv_weight;
    stage.optimizer = top_level_optimizer_settings(config);
    stage.optimizer.kind = s.optimizer;
    stage.optimizer.learning_rate = s.learning_rate;
    stage.optimizer.history = s.history;
    result.push_back(stage);
  }
  return result;
}

StageInputs load_stage_images(const RenderConfig& config, const RenderStage& stage) {
  StageInputs inputs;
  inputs.content_image = load_image_at_size(config.content_image, stage.image_size);
  const int style_size = int(std::ceil(stage.style_scale * stage.image_size));
  for (const std::string& path : config.style_images)
    inputs.style_images.push_back(load_image_at_size(path, style_size));
  return inputs;
}

void capture_stage_targets(Backend& backend, Network& network, const Preprocess& preprocess,
                           const RenderConfig& config, const std::vector<std::string>& style_layers,
                           StageInputs& inputs) {
  inputs.content_tensor = image_to_tensor(backend, inputs.content_image, preprocess);
  inputs.content_targets =
      capture_features(backend, network, inputs.content_tensor, config.content_layers);
  if (!config.style_targets.empty()) {  // a kept style: the same Grams at every size
    inputs.base_grams = load_style_targets(backend, network, config.style_targets, style_layers);
    return;
  }
  std::vector<Tensor> style_tensors;
  std::vector<const Tensor*> style_pointers;
  for (const Image& image : inputs.style_images)
    style_tensors.push_back(image_to_tensor(backend, image, preprocess));
  for (const Tensor& t : style_tensors) style_pointers.push_back(&t);
  inputs.base_grams =
      capture_grams(backend, network, style_pointers, config.style_blend_weights, style_layers);
}

MemoryPlanInput memory_plan_input(const RenderConfig& config, const std::vector<LayerSpec>& layers,
                                  const std::vector<std::vector<std::string>>& style_layer_sets,
                                  const std::vector<RenderStage>& stages,
                                  const std::vector<StageInputs>& inputs, BackendKind backend) {
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
    stage.optimizer = stages[i].optimizer;
    input.stages.push_back(stage);
  }
  input.backend = backend;
  return input;
}

Tensor resize_for_stage(Backend& backend, const Tensor& x, const Preprocess& preprocess, int width,
                        int height) {
  const Image pixels = tensor_to_image(backend, x, preprocess);
  return image_to_tensor(backend, resize(pixels, width, height), preprocess);
}

}  // namespace nsrg
