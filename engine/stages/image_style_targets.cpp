// Making, loading and keeping the style targets of one image.
#include "engine/stages/image_style_targets.h"

#include <algorithm>

#include "engine/core/enum_names.h"
#include "engine/core/error.h"
#include "engine/core/randomization.h"
#include "engine/image/image.h"
#include "engine/image/image_output.h"
#include "engine/net/targets.h"
#include "engine/stages/layer_sources.h"
#include "weights/sha256.h"

namespace nsrg {

std::map<std::string, Tensor> capture_style_grams(Backend& backend, Network& network,
                                                  const Preprocess& preprocess,
                                                  const std::vector<Image>& images,
                                                  const std::vector<float>& blend_weights,
                                                  const std::vector<std::string>& layers,
                                                  int tile_size,
                                                  const std::vector<LayerMasks>& image_masks) {
  std::vector<Tensor> tensors;
  std::vector<const Tensor*> pointers;
  for (const Image& image : images) tensors.push_back(image_to_tensor(backend, image, preprocess));
  for (const Tensor& t : tensors) pointers.push_back(&t);
  return capture_grams(backend, network, pointers, blend_weights, layers, tile_size, image_masks);
}

Tensor randomized_gram(Backend& backend, const Network& network, const Tensor& base,
                       const RandomizeSettings& settings, uint64_t seed, const std::string& layer,
                       const GramEigen* eigen) {
  // The seed alone names a variant (variant 0): seed S+v renders variant v anywhere.
  const int index = network.index_of(layer);
  NSRG_CHECK(index >= 0, "layer ", layer, " not in the network");
  const GramRandomization params = gram_randomization(settings, seed, 0, uint32_t(index));
  Tensor target = backend.empty(base.shape());
  randomize_target(backend, base, params, target, eigen);
  return target;
}

ImageStyleTargets make_style_targets(Backend& backend, const Network& network,
                                     const RenderConfig& config,
                                     const std::map<std::string, Tensor>& base_grams,
                                     const BaseEigens& base_eigens,
                                     const std::vector<std::string>& layers, uint64_t seed,
                                     bool randomize, const RandomizeSettings* settings) {
  ImageStyleTargets targets;
  targets.randomized.reserve(layers.size());  // by_layer points into it
  for (const std::string& layer : layers) {
    const Tensor& base = base_grams.at(layer);
    const RandomizeSettings layer_settings =
        settings != nullptr ? *settings : config.randomization_for(layer);
    if (!randomize || layer_settings.mode == RandomizeMode::None) {
      targets.by_layer[layer] = &base;
      continue;
    }
    const auto kept = base_eigens.find(layer);
    const GramEigen* eigen = kept == base_eigens.end() ? nullptr : kept->second.get();
    targets.randomized.push_back(
        randomized_gram(backend, network, base, layer_settings, seed, layer, eigen));
    targets.by_layer[layer] = &targets.randomized.back();
  }
  return targets;
}

std::map<std::string, Tensor> load_style_targets(Backend& backend, const Network& network,
                                                 const std::string& path,
                                                 const std::vector<std::string>& layers) {
  const StyleTargets file = read_style_targets(path);
  std::map<std::string, Tensor> grams;
  for (const std::string& layer : layers) {
    size_t i = 0;
    while (i < file.info.layers.size() && file.info.layers[i] != layer) ++i;
    NSRG_CHECK(i < file.info.layers.size(), "layer ", layer, " not in ", path,
               " (checked when the config was loaded)");
    const int index = network.index_of(layer);
    NSRG_CHECK(index >= 0, "layer ", layer, " not in the network");
    const int channels = network.output_channels(index);
    const HostTensor& gram = file.grams[i];
    if (gram.shape[0] != channels)
      throw UserError(msg(path, ": tensor ", gram_tensor_name(layer), " is ", gram.shape[0], "x",
                          gram.shape[1], " but layer ", layer, " has ", channels,
                          " channels in this model"));
    Tensor tensor = backend.empty({1, 1, channels, channels});
    backend.upload(gram.data.data(), tensor);
    grams.emplace(layer, std::move(tensor));
  }
  return grams;
}

StyleTargetsWriter::StyleTargetsWriter(const RenderConfig& config, const FileHasher& file_sha256)
    : config_(config) {
  common_.model = config.model;
  if (config.model.rfind("builtin:", 0) != 0) common_.model_sha256 = file_sha256(config.model);
  common_.levels = name_in(kLevelsModeNames, config.levels);
  if (!config.style_targets.empty()) {
    // Targets of targets: the sources are those of the files rendered from, each weighed by
    // its file's blend weight; so is the size the Grams were measured at (the first file's).
    std::vector<StyleTargetsInfo> parents;
    for (size_t i = 0; i < config.style_targets.size(); ++i) {
      parents.push_back(read_style_targets_info(config.style_targets[i]));
      for (StyleSource source : parents.back().sources) {
        source.blend_weight *= config.style_blend_weights[i];
        common_.sources.push_back(source);
      }
    }
    common_.image_size = parents.front().image_size;
    common_.style_scale = parents.front().style_scale;
    measured_here_ = config.style_replay;
    if (parents.size() == 1) {
      // One kept style: its lineage goes on, and a step made here names the file.
      common_.lineage = parents.front().lineage;
      parent_sha256_ = file_sha256(config.style_targets.front());
    } else {
      // A blend starts a lineage of its own: the blend step with every parent's lineage; a
      // randomization on top of it is applied to the blend itself (no parent file).
      BlendStep blend;
      blend.space = config.style_blend_space;
      blend.weights = config.style_blend_weights;
      for (size_t i = 0; i < parents.size(); ++i)
        blend.parents.push_back(
            {file_sha256(config.style_targets[i]), std::move(parents[i].lineage)});
      common_.lineage = blended_lineage(std::move(blend));
    }
  } else {
    LineageRoot root =
        captured_images_root(config, common_.model, common_.model_sha256, config.style_images,
                             config.style_blend_weights, file_sha256);
    common_.sources = root.style_images;
    common_.lineage = captured_lineage(root);  // style_scale: the stage's, set by write
  }
  if (!config.style_layer_sources.empty()) {
    layer_sources_ =
        std::make_unique<LayerSourcesLineage>(config, common_.model, common_.model_sha256);
    // A randomization after the layer sources is applied to Grams no one file holds.
    parent_sha256_.clear();
  }
}

StyleTargetsWriter::~StyleTargetsWriter() = default;

void StyleTargetsWriter::write(Backend& backend, const ImageStyleTargets& targets,
                               const Stage& stage, const std::vector<std::string>& layers,
                               uint64_t seed, const std::string& variant, bool randomized,
                               const std::string& path) const {
  StyleTargetsInfo info = common_;
  // The size the Grams were measured at: the stage's, not the top-level keys' (a replay
  // measures at the stage's size with the root's style scale).
  if (measured_here_) {
    // A replayed lineage: its (first) root's style scale, a blend's first parent's.
    const std::vector<const LineageRoot*> roots = image_roots(common_.lineage);
    info.image_size = stage.image_size;
    info.style_scale = config_.style_targets.empty() || roots.empty() ? stage.style_scale
                                                                      : roots.front()->style_scale;
  }
  if (config_.style_targets.empty()) info.lineage.root.style_scale = stage.style_scale;
  if (layer_sources_) {
    LayerSourcesStep sources = layer_sources_->for_layers(layers, stage.style_scale);
    if (!sources.sources.empty()) append_layer_sources_step(info.lineage, std::move(sources));
  }
  info.layers = layers;
  info.seed = seed;
  info.variant = variant;
  std::vector<std::vector<float>> host(layers.size());
  std::vector<TensorView> views;
  for (size_t i = 0; i < layers.size(); ++i) {
    const Tensor& gram = *targets.by_layer.at(layers[i]);
    host[i].resize(gram.numel());
    backend.download(gram, host[i].data());
    const int64_t channels = gram.shape().w;
    views.push_back({"", {channels, channels}, host[i].data()});
    RandomizeSettings settings = config_.randomization_for(layers[i]);
    if (!randomized) settings.mode = RandomizeMode::None;
    info.randomization.push_back({layers[i], settings});
  }
  const bool any_randomized = std::any_of(
      info.randomization.begin(), info.randomization.end(),
      [](const TargetRandomization& r) { return r.settings.mode != RandomizeMode::None; });
  if (any_randomized)
    append_randomize_step(info.lineage, {parent_sha256_, seed, variant, info.randomization});
  write_style_targets(path, info, views);
}

}  // namespace nsrg
