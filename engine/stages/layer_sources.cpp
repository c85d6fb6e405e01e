// The images, Grams and lineage of [style.layer_sources].
#include "engine/stages/layer_sources.h"

#include "engine/core/error.h"
#include "engine/image/image_output.h"
#include "engine/stages/image_style_targets.h"
#include "engine/stages/stages.h"
#include "weights/sha256.h"
#include "weights/style_targets_file.h"

namespace nsrg {
namespace {

// Equal weights, as the config normalizes style.blend_weights when none are given (each 1 / n,
// divided in double and rounded once), so a source's Grams are those of its images as [style].
std::vector<float> equal_weights(size_t count) {
  return std::vector<float>(count, static_cast<float>(1.0 / double(count)));
}

}  // namespace

std::map<std::string, std::vector<Image>> load_layer_source_images(const RenderConfig& config,
                                                                   const Stage& stage,
                                                                   const Image& content_colors) {
  std::map<std::string, std::vector<Image>> images;
  const int style_size = style_image_size(stage.style_scale, stage.image_size);
  for (const auto& [layer, source] : config.style_layer_sources) {
    if (source.images.empty()) continue;
    std::vector<Image> loaded;
    for (const std::string& path : source.images)
      loaded.push_back(load_image_at_size(path, style_size));
    images[layer] = color_controlled_styles(std::move(loaded), content_colors, config.style_color,
                                            config.style_color_match);
  }
  return images;
}

std::vector<std::string> layers_of_style_source(const RenderConfig& config,
                                                const std::vector<std::string>& style_layers) {
  std::vector<std::string> layers;
  for (const std::string& layer : style_layers)
    if (!config.style_layer_sources.count(layer)) layers.push_back(layer);
  return layers;
}

void capture_layer_source_grams(Backend& backend, Network& network, const Preprocess& preprocess,
                                const RenderConfig& config,
                                const std::map<std::string, std::vector<Image>>& images,
                                const std::vector<std::string>& style_layers,
                                std::map<std::string, Tensor>& grams) {
  for (const std::string& layer : style_layers) {
    const auto source = config.style_layer_sources.find(layer);
    if (source == config.style_layer_sources.end()) continue;
    std::map<std::string, Tensor> captured;
    if (!source->second.targets.empty()) {
      captured = load_style_targets(backend, network, source->second.targets, {layer});
    } else {
      const std::vector<Image>& layer_images = images.at(layer);
      captured = capture_style_grams(backend, network, preprocess, layer_images,
                                     equal_weights(layer_images.size()), {layer});
    }
    grams.insert_or_assign(layer, std::move(captured.at(layer)));
  }
}

LineageRoot captured_images_root(
    const RenderConfig& config, const std::string& model, const std::string& model_sha256,
    const std::vector<std::string>& images, const std::vector<float>& weights,
    const std::function<std::string(const std::string&)>& file_sha256) {
  NSRG_CHECK(images.size() == weights.size(), images.size(), " images and ", weights.size(),
             " blend weights (checked when the config was loaded)");
  LineageRoot root;
  root.kind = LineageRootKind::Images;
  root.model = model;
  root.model_sha256 = model_sha256;
  for (size_t i = 0; i < images.size(); ++i)
    root.style_images.push_back({images[i], file_sha256(images[i]), weights[i]});
  root.color = config.style_color;
  root.color_match = config.style_color_match;
  if (uses_color_source(root))
    root.color_source = {config.content_image, file_sha256(config.content_image), 1.0f};
  return root;
}

LayerSourcesLineage::LayerSourcesLineage(const RenderConfig& config, const std::string& model,
                                         const std::string& model_sha256) {
  for (const auto& [layer, source] : config.style_layer_sources) {
    LayerSourceLineage entry;
    entry.layer = layer;
    if (!source.targets.empty()) {
      entry.file_sha256 = sha256_file_hex(source.targets);
      entry.lineage = read_style_targets_info(source.targets).lineage;
    } else {
      entry.lineage = captured_lineage(captured_images_root(
          config, model, model_sha256, source.images, equal_weights(source.images.size())));
    }
    sources_.emplace(layer, std::move(entry));
  }
}

LayerSourcesStep LayerSourcesLineage::for_layers(const std::vector<std::string>& layers,
                                                 float style_scale) const {
  LayerSourcesStep step;
  for (const std::string& layer : layers) {
    const auto source = sources_.find(layer);
    if (source == sources_.end()) continue;
    step.sources.push_back(source->second);
    LayerSourceLineage& added = step.sources.back();
    if (added.file_sha256.empty()) added.lineage.root.style_scale = style_scale;
  }
  return step;
}

}  // namespace nsrg
