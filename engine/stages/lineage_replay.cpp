// Replaying a kept style's lineage: the roots captured again, the steps applied again (a
// layer sources step: each source's own lineage replayed for its layer).
#include "engine/stages/lineage_replay.h"

#include <algorithm>

#include "engine/core/error.h"
#include "engine/image/image_output.h"
#include "engine/stages/image_style_targets.h"
#include "engine/stages/stages.h"
#include "engine/stages/style_blend.h"
#include "weights/style_targets_file.h"

namespace nsrg {
namespace {

// What one replay shares across the nested lineages of its blends.
struct Replay {
  Backend& backend;
  Network& network;
  const Preprocess& preprocess;
  const std::vector<Image>& root_images;
  const std::vector<std::string>* layers;  // those being replayed (a layer source: its own)
  std::vector<std::string>& notes;
  size_t next_image = 0;  // the first root image not captured yet
};

// The Grams of `root` captured from its images, the next ones of the replay's list.
std::map<std::string, Tensor> capture_root(Replay& replay, const LineageRoot& root) {
  const size_t count = root.style_images.size();
  NSRG_CHECK(replay.next_image + count <= replay.root_images.size(), "the lineage's roots need ",
             replay.next_image + count, " style images, ", replay.root_images.size(), " loaded");
  const std::vector<Image> images(
      replay.root_images.begin() + ptrdiff_t(replay.next_image),
      replay.root_images.begin() + ptrdiff_t(replay.next_image + count));
  replay.next_image += count;
  std::vector<float> weights;
  for (const LineageImage& image : root.style_images) weights.push_back(image.blend_weight);
  return capture_style_grams(replay.backend, replay.network, replay.preprocess, images, weights,
                             *replay.layers);
}

void apply_randomize_step(Replay& replay, const RandomizeStep& step,
                          std::map<std::string, Tensor>& grams) {
  for (const std::string& layer : *replay.layers) {
    const TargetRandomization* entry = nullptr;
    for (const TargetRandomization& r : step.layers)
      if (r.layer == layer) entry = &r;
    NSRG_CHECK(entry != nullptr, "layer ", layer,
               " missing from a lineage step (checked when the config was loaded)");
    if (entry->settings.mode == RandomizeMode::None) continue;
    grams[layer] = randomized_gram(replay.backend, replay.network, grams.at(layer), entry->settings,
                                   step.seed, layer);
  }
}

std::map<std::string, Tensor> replay_lineage(Replay& replay, const Lineage& lineage);

// A blend step: every parent replayed from its own lineage, then blended.
std::map<std::string, Tensor> replay_blend(Replay& replay, const BlendStep& blend) {
  std::vector<std::map<std::string, Tensor>> parents;
  for (const BlendParent& parent : blend.parents)
    parents.push_back(replay_lineage(replay, parent.lineage));
  return blend_parent_grams(replay.backend, std::move(parents), blend.weights, blend.space,
                            *replay.layers, replay.notes);
}

// A layer sources step: each source's lineage replayed for its layer alone (its roots are the
// next images of the replay's list, whether or not this render uses the layer), its Gram
// replacing the layer's.
void apply_layer_sources_step(Replay& replay, const LayerSourcesStep& step,
                              std::map<std::string, Tensor>& grams) {
  const std::vector<std::string>* replayed = replay.layers;
  for (const LayerSourceLineage& source : step.sources) {
    const std::vector<std::string> one_layer = {source.layer};
    replay.layers = &one_layer;
    std::map<std::string, Tensor> sourced = replay_lineage(replay, source.lineage);
    replay.layers = replayed;
    if (std::find(replayed->begin(), replayed->end(), source.layer) != replayed->end())
      grams[source.layer] = std::move(sourced.at(source.layer));
  }
}

std::map<std::string, Tensor> replay_lineage(Replay& replay, const Lineage& lineage) {
  std::map<std::string, Tensor> grams;
  size_t first_step = 0;
  if (lineage.root.kind == LineageRootKind::Blend) {
    const BlendStep* blend =
        lineage.steps.empty() ? nullptr : std::get_if<BlendStep>(&lineage.steps.front());
    NSRG_CHECK(blend != nullptr, "a blend lineage without its blend step (refused when read)");
    grams = replay_blend(replay, *blend);
    first_step = 1;
  } else {
    NSRG_CHECK(lineage.root.kind == LineageRootKind::Images,
               "replay of an unknown root (refused when the config was loaded)");
    grams = capture_root(replay, lineage.root);
  }
  for (size_t i = first_step; i < lineage.steps.size(); ++i) {
    if (const LayerSourcesStep* sources = std::get_if<LayerSourcesStep>(&lineage.steps[i])) {
      apply_layer_sources_step(replay, *sources, grams);
      continue;
    }
    const RandomizeStep* step = std::get_if<RandomizeStep>(&lineage.steps[i]);
    NSRG_CHECK(step != nullptr, "a blend step after the first (refused when read)");
    apply_randomize_step(replay, *step, grams);
  }
  return grams;
}

}  // namespace

Lineage replayed_lineage(const RenderConfig& config) {
  NSRG_CHECK(config.style_replay && config.style_targets.size() == 1,
             "replay without one style.targets file (checked when the config was loaded)");
  return read_style_targets_info(config.style_targets.front()).lineage;
}

std::vector<Image> load_root_style_images(const Lineage& lineage, int image_size) {
  const std::vector<const LineageRoot*> roots = image_roots(lineage);
  NSRG_CHECK(!roots.empty(),
             "replay of a lineage without images (checked when the config was "
             "loaded)");
  std::vector<Image> images;
  for (const LineageRoot* root : roots) {
    const int size = style_image_size(root->style_scale, image_size);
    std::vector<Image> root_images;
    for (const LineageImage& image : root->style_images)
      root_images.push_back(load_image_at_size(image.file, size));
    if (uses_color_source(*root)) {
      // The colour control they were captured with, against the recorded content image at
      // this render's size (as the capture did at its own).
      const Image content = load_image_at_size(root->color_source.file, image_size);
      root_images =
          color_controlled_styles(std::move(root_images), content, root->color, root->color_match);
    }
    for (Image& image : root_images) images.push_back(std::move(image));
  }
  return images;
}

std::map<std::string, Tensor> replay_grams(Backend& backend, Network& network,
                                           const Preprocess& preprocess, const Lineage& lineage,
                                           const std::vector<Image>& root_images,
                                           const std::vector<std::string>& layers,
                                           std::vector<std::string>& notes) {
  Replay replay{backend, network, preprocess, root_images, &layers, notes};
  std::map<std::string, Tensor> grams = replay_lineage(replay, lineage);
  NSRG_CHECK(replay.next_image == root_images.size(), root_images.size(), " root images for ",
             replay.next_image, " in the lineage");
  return grams;
}

}  // namespace nsrg
