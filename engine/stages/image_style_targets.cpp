// Making, loading and keeping the style targets of one image.
#include "engine/stages/image_style_targets.h"

#include "engine/core/enum_names.h"
#include "engine/core/error.h"
#include "engine/core/randomization.h"
#include "engine/image/image.h"
#include "weights/sha256.h"

namespace nsrg {

ImageStyleTargets make_style_targets(Backend& backend, const Network& network,
                                     const RenderConfig& config,
                                     const std::map<std::string, Tensor>& base_grams,
                                     const std::vector<std::string>& layers, uint64_t seed,
                                     bool randomize) {
  ImageStyleTargets targets;
  targets.randomized.reserve(layers.size());  // by_layer points into it
  for (const std::string& layer : layers) {
    const Tensor& base = base_grams.at(layer);
    const RandomizeSettings settings = config.randomization_for(layer);
    if (!randomize || settings.mode == RandomizeMode::None) {
      targets.by_layer[layer] = &base;
      continue;
    }
    // The seed alone names a variant (variant 0): seed S+v renders variant v anywhere.
    const GramRandomization params =
        gram_randomization(settings, seed, 0, uint32_t(network.index_of(layer)));
    targets.randomized.push_back(backend.empty(base.shape()));
    randomize_target(backend, base, params, targets.randomized.back());
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

StyleTargetsWriter::StyleTargetsWriter(const RenderConfig& config) : config_(config) {
  if (!config.style_targets.empty()) {
    // Targets of targets: the sources are those of the files rendered from, each weighed by
    // its file's blend weight.
    for (size_t i = 0; i < config.style_targets.size(); ++i)
      for (StyleSource source : read_style_targets_info(config.style_targets[i]).sources) {
        source.blend_weight *= config.style_blend_weights[i];
        common_.sources.push_back(source);
      }
  } else {
    for (size_t i = 0; i < config.style_images.size(); ++i)
      common_.sources.push_back({config.style_images[i], sha256_file_hex(config.style_images[i]),
                                 config.style_blend_weights[i]});
  }
  common_.model = config.model;
  if (config.model.rfind("builtin:", 0) != 0) common_.model_sha256 = sha256_file_hex(config.model);
  common_.levels = name_in(kLevelsModeNames, config.levels);
}

void StyleTargetsWriter::write(Backend& backend, const ImageStyleTargets& targets,
                               const Stage& stage, const std::vector<std::string>& layers,
                               uint64_t seed, const std::string& variant, bool randomized,
                               const std::string& path) const {
  StyleTargetsInfo info = common_;
  // The size the Grams were measured at: the stage's, not the top-level keys'.
  info.image_size = stage.image_size;
  info.style_scale = stage.style_scale;
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
  write_style_targets(path, info, views);
}

}  // namespace nsrg
