// The run's description for sheet headers and the gallery page.
#include "engine/output/run_description.h"

#include <cstdio>
#include <filesystem>
#include <sstream>

#include "engine/core/enum_names.h"
#include "engine/core/error.h"
#include "engine/core/randomization.h"
#include "engine/core/text_list.h"
#include "engine/image/image.h"
#include "engine/optim/optimizer.h"
#include "engine/output/output_names.h"

namespace nsrg {
namespace {

std::string file_name(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

// "256 px, adam 150 it" for one stage; "48 px lbfgs 10 it -> 80 px adam 6 it" for several.
std::string stages_text(const std::vector<Stage>& stages) {
  std::ostringstream text;
  for (size_t i = 0; i < stages.size(); ++i) {
    const Stage& stage = stages[i];
    text << (i ? " -> " : "") << stage.image_size << (stages.size() == 1 ? " px, " : " px ")
         << name_in(kOptimizerKindNames, stage.optimizer.kind) << " " << stage.iterations << " it";
  }
  return text.str();
}

// The stages' tv weights: one number when they agree, else each stage's ("0.001/0").
std::string tv_text(const std::vector<Stage>& stages) {
  std::ostringstream text;
  bool same = true;
  for (const Stage& stage : stages) same = same && stage.tv_weight == stages.front().tv_weight;
  for (size_t i = 0; i < (same ? 1 : stages.size()); ++i)
    text << (i ? "/" : "") << stages[i].tv_weight;
  return text.str();
}

}  // namespace

std::string model_caption(const RenderConfig& config) {
  if (config.model == "builtin:vgg19-random") return "built-in random-weight VGG-19";
  return file_name(config.model);
}

std::string range_text(const RandomizeSettings& r) {
  if (r.mode != RandomizeMode::ScaleEigenvectors && r.mode != RandomizeMode::ScaleEigenvalues)
    return "-";
  std::ostringstream text;
  text << r.lo << ".." << r.hi;
  return text.str();
}

std::string frame_label(const PathFrame& frame) {
  char t[32];
  std::snprintf(t, sizeof t, "%.3f", frame.t);
  return "frame " + frame_digits(frame.index) + "\nt " + t;
}

std::string layers_label(const std::vector<std::string>& layers) {
  return layers.size() == 1 ? layers.front() : short_layer_names(layers);
}

namespace {

std::vector<std::string> file_names(const std::vector<std::string>& paths) {
  std::vector<std::string> names;
  for (const std::string& path : paths) names.push_back(file_name(path));
  return names;
}

// [[regions]]: each region's mask and where its style comes from ("mask <- style images").
std::string regions_text(const std::vector<StyleRegion>& regions) {
  std::vector<std::string> parts;
  for (const StyleRegion& region : regions) {
    std::string part =
        file_name(region.mask) + " <- " +
        (region.targets.empty() ? joined(file_names(region.images)) : file_name(region.targets));
    if (!region.style_masks.empty())
      part += " (masked by " + joined(file_names(region.style_masks)) + ")";
    parts.push_back(part);
  }
  return "regions: " + joined(parts, "; ");
}

// [style.layer_sources]: each layer with its own source ("layer <- its images").
std::string layer_sources_text(const std::map<std::string, LayerSource>& sources) {
  std::vector<std::string> parts;
  for (const auto& [layer, source] : sources)
    parts.push_back(
        layer + " <- " +
        (source.targets.empty() ? joined(file_names(source.images)) : file_name(source.targets)));
  return "; " + joined(parts, "; ");
}

}  // namespace

std::vector<std::string> run_description_lines(const RenderConfig& config) {
  const std::vector<std::string> kept = file_names(config.style_targets);
  std::string style = config.style_targets.empty()
                          ? "style: " + joined(file_names(config.style_images))
                          : "style targets: " + joined(kept);
  if (!config.regions.empty()) style = regions_text(config.regions);
  if (!config.style_layer_sources.empty()) style += layer_sources_text(config.style_layer_sources);
  if (kept.size() > 1)
    style += std::string(" (") + name_in(kBlendSpaceNames, config.style_blend_space) + " blend)";
  if (config.path.given) {
    std::vector<std::string> stops;
    for (const std::string& file : config.path.styles) stops.push_back(file_name(file));
    style = msg("path: ", joined(stops, " -> "), " (", config.path.frames, " frames, ",
                name_in(kBlendSpaceNames, config.path.space),
                is_closed_path(config.path) ? ", closed loop" : "", "; later frames ",
                config.path.iterations, " it from the previous)");
  }
  std::ostringstream settings;
  settings << stages_text(config.stages) << ", content " << joined(config.content_layers, "+")
           << " x" << config.content_weight << ", style x" << config.style_weight << ", tv "
           << tv_text(config.stages) << ", init " << name_in(kInitKindNames, config.init_kind);
  const RandomizeSettings& r = config.randomize;
  std::ostringstream randomization;
  randomization << "randomize: " << randomize_mode_name(r.mode);
  if (range_text(r) != "-") randomization << " " << range_text(r);
  if (r.mode == RandomizeMode::ReplaceEigenvectors)
    randomization << " " << random_distribution_name(r.distribution);
  if (r.mix != 1.0f) randomization << ", mix " << r.mix;
  if (r.keep_energy) randomization << ", keep energy";
  if (!config.randomize_layers.empty()) randomization << " (per-layer settings too)";
  randomization << ", seed " << config.seed << ", levels "
                << name_in(kLevelsModeNames, config.levels);
  return {"content: " + file_name(config.content_image) + "    " + style,
          "model: " + model_caption(config), settings.str(), randomization.str()};
}

}  // namespace nsrg
