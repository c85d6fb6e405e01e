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
                                                 const std::vector<std::string>& layers,
                                                 int region) {
  const StyleTargets file = read_style_targets(path);
  if (region >= int(file.region_grams.size()) || (region < 0 && !file.info.regions.empty()))
    throw UserError(msg(path, region < 0 ? ": holds the Grams of [[regions]] (nsrg.regions), not "
                                           "one Gram per layer; apply it alone as style.targets"
                                         : msg(": has no region ", region, " (it holds ",
                                               file.region_grams.size(), ")")));
  const std::vector<HostTensor>& file_grams = region < 0 ? file.grams : file.region_grams[region];
  std::map<std::string, Tensor> grams;
  for (const std::string& layer : layers) {
    size_t i = 0;
    while (i < file.info.layers.size() && file.info.layers[i] != layer) ++i;
    NSRG_CHECK(i < file.info.layers.size(), "layer ", layer, " not in ", path,
               " (checked when the config was loaded)");
    const int index = network.index_of(layer);
    NSRG_CHECK(index >= 0, "layer ", layer, " not in the network");
    const int channels = network.output_channels(index);
    const HostTensor& gram = file_grams[i];
    if (gram.shape[0] != channels)
      throw UserError(
          msg(path, ": tensor ",
              region < 0 ? gram_tensor_name(layer) : region_gram_tensor_name(size_t(region), layer),
              " is ", gram.shape[0], "x", gram.shape[1], " but layer ", layer, " has ", channels,
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
  if (!config.regions.empty()) {
    start_regions(file_sha256);
  } else if (!config.style_targets.empty()) {
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

void StyleTargetsWriter::start_regions(const FileHasher& file_sha256) {
  common_.lineage = unknown_lineage();
  for (const StyleRegion& region : config_.regions) {
    KeptRegion kept;
    kept.mask = {region.mask, file_sha256(region.mask), 1.0f};
    kept.weight = region.weight;
    for (const std::string& mask : region.style_masks)
      kept.style_masks.push_back({mask, file_sha256(mask), 1.0f});
    std::string parent_sha256;
    if (region.targets.empty()) {
      kept.lineage =
          captured_lineage(captured_images_root(config_, common_.model, common_.model_sha256,
                                                region.images, region.blend_weights, file_sha256));
    } else {
      // A kept style's lineage goes on (a region of a regions file: that region's), and a
      // randomization here names the file.
      const StyleTargetsInfo parent = read_style_targets_info(region.targets);
      kept.lineage = region.targets_region < 0
                         ? parent.lineage
                         : parent.regions.at(size_t(region.targets_region)).lineage;
      parent_sha256 = file_sha256(region.targets);
    }
    for (const LineageRoot* root : image_roots(kept.lineage))
      for (const LineageImage& image : root->style_images) common_.sources.push_back(image);
    regions_.push_back(std::move(kept));
    region_parent_sha256_.push_back(parent_sha256);
  }
}

namespace {

// `layers`' Grams of `targets` downloaded into `host`, viewed by `views` (both in layer order).
void download_grams(Backend& backend, const ImageStyleTargets& targets,
                    const std::vector<std::string>& layers, std::vector<std::vector<float>>& host,
                    std::vector<TensorView>& views) {
  for (const std::string& layer : layers) {
    const Tensor& gram = *targets.by_layer.at(layer);
    host.emplace_back(gram.numel());
    backend.download(gram, host.back().data());
    const int64_t channels = gram.shape().w;
    views.push_back({"", {channels, channels}, host.back().data()});
  }
}

bool any_randomized(const std::vector<TargetRandomization>& layers) {
  return std::any_of(layers.begin(), layers.end(), [](const TargetRandomization& r) {
    return r.settings.mode != RandomizeMode::None;
  });
}

}  // namespace

std::vector<KeptRegion> StyleTargetsWriter::regions_for(
    Backend& backend, const std::vector<ImageStyleTargets>& region_targets, const Stage& stage,
    const std::vector<std::string>& layers, uint64_t seed, const std::string& variant,
    bool randomized, std::vector<std::vector<float>>& host,
    std::vector<std::vector<TensorView>>& views) const {
  NSRG_CHECK(region_targets.size() == regions_.size(), region_targets.size(),
             " regions' targets for ", regions_.size(), " regions");
  std::vector<KeptRegion> regions = regions_;
  host.reserve(regions.size() * layers.size());  // views point into it
  for (size_t r = 0; r < regions.size(); ++r) {
    const StyleRegion& region = config_.regions[r];
    KeptRegion& kept = regions[r];
    if (region.targets.empty()) kept.lineage.root.style_scale = stage.style_scale;
    std::vector<TargetRandomization> randomization;
    for (const std::string& layer : layers) {
      RandomizeSettings settings =
          region.randomize_given ? region.randomize : config_.randomization_for(layer);
      if (!randomized) settings.mode = RandomizeMode::None;
      randomization.push_back({layer, settings});
    }
    if (any_randomized(randomization))
      append_randomize_step(kept.lineage, {region_parent_sha256_[r], seed, variant, randomization});
    views.emplace_back();
    download_grams(backend, region_targets[r], layers, host, views.back());
  }
  return regions;
}

void StyleTargetsWriter::write(Backend& backend, const ImageStyleTargets& targets,
                               const Stage& stage, const std::vector<std::string>& layers,
                               uint64_t seed, const std::string& variant, bool randomized,
                               const std::string& path,
                               const std::vector<ImageStyleTargets>& region_targets) const {
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
  for (const std::string& layer : layers) {
    RandomizeSettings settings = config_.randomization_for(layer);
    if (!randomized) settings.mode = RandomizeMode::None;
    info.randomization.push_back({layer, settings});
  }
  std::vector<std::vector<float>> host;
  host.reserve(layers.size());  // views point into it
  std::vector<TensorView> views;
  std::vector<std::vector<TensorView>> region_views;
  if (!config_.regions.empty()) {
    info.regions = regions_for(backend, region_targets, stage, layers, seed, variant, randomized,
                               host, region_views);
  } else {
    download_grams(backend, targets, layers, host, views);
    if (any_randomized(info.randomization))
      append_randomize_step(info.lineage, {parent_sha256_, seed, variant, info.randomization});
  }
  write_style_targets(path, info, views, region_views);
}

}  // namespace nsrg
