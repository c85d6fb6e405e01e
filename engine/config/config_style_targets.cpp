// Checking the kept styles of style.targets against the config (and against one another when
// several are blended).
#include "engine/config/config_style_targets.h"

#include <algorithm>
#include <filesystem>

#include "engine/config/config_paths.h"
#include "engine/core/enum_names.h"
#include "engine/core/error.h"
#include "engine/core/text_list.h"
#include "engine/image/image.h"
#include "weights/sha256.h"
#include "weights/style_targets_file.h"

namespace nsrg::config_detail {
namespace {

bool is_builtin(const std::string& model) {
  return model.rfind("builtin:", 0) == 0;
}

[[noreturn]] void fail_replay(const SectionReader& style, const std::string& what) {
  style.errors().fail("style.replay", what);
}

// An image a replay reads (`what`: "style image", "colour source (content image)") is there,
// unchanged; `where` names a blend parent's lineage inside the file's ("" for the file's own).
void check_recorded_image(const SectionReader& style, const std::string& file,
                          const std::string& where, const LineageImage& image, const char* what) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(image.file, error))
    fail_replay(style,
                msg(what, " ", image.file, " of ", file, "'s lineage", where, " is missing"));
  if (sha256_file_hex(image.file) != image.sha256)
    fail_replay(style, msg(what, " ", image.file, " of ", file, "'s lineage", where,
                           " has changed (its SHA-256 is not the recorded ", image.sha256, ")"));
}

// A lineage (the file's, or a blend parent's inside it: `where` names which) can be
// replayed: its roots are known, made with the file's model, their style images present and
// unchanged, every randomize step has each layer the render uses; a blend's parents and a
// layer sources step's sources too.
void check_lineage_replayable(const SectionReader& style, const std::string& file,
                              const StyleTargetsInfo& info, const Lineage& lineage,
                              const std::vector<std::string>& needed, const std::string& where) {
  const LineageRoot& root = lineage.root;
  if (root.kind == LineageRootKind::Unknown)
    fail_replay(style, msg(file, where,
                           " has no lineage to replay (its root is unknown: a format-1 file, or "
                           "bred from one)"));
  if (root.kind == LineageRootKind::Images) {
    if (root.model != info.model || root.model_sha256 != info.model_sha256)
      fail_replay(style, msg(file, where, ": the lineage's model ", root.model,
                             " is not the file's model ", info.model));
    for (const LineageImage& image : root.style_images)
      check_recorded_image(style, file, where, image, "style image");
    if (uses_color_source(root))
      check_recorded_image(style, file, where, root.color_source, "colour source (content image)");
  }
  for (size_t i = 0; i < lineage.steps.size(); ++i) {
    if (const BlendStep* blend = std::get_if<BlendStep>(&lineage.steps[i])) {
      for (size_t p = 0; p < blend->parents.size(); ++p)
        check_lineage_replayable(
            style, file, info, blend->parents[p].lineage, needed,
            msg(where, " (blend parent ", p + 1, " of ", blend->parents.size(), ", SHA-256 ",
                blend->parents[p].file_sha256.substr(0, 12), "...)"));
      continue;
    }
    if (const LayerSourcesStep* sources = std::get_if<LayerSourcesStep>(&lineage.steps[i])) {
      // Each source's lineage is replayed for its layer alone (used by the render or not:
      // its images are read all the same).
      for (const LayerSourceLineage& source : sources->sources)
        check_lineage_replayable(
            style, file, info, source.lineage, {source.layer},
            msg(where, " (lineage step ", i + 1, ", the source of ", source.layer, ")"));
      continue;
    }
    const RandomizeStep& step = std::get<RandomizeStep>(lineage.steps[i]);
    for (const std::string& layer : needed)
      if (std::none_of(step.layers.begin(), step.layers.end(),
                       [&](const TargetRandomization& r) { return r.layer == layer; }))
        fail_replay(style,
                    msg(file, where, ": lineage step ", i + 1, " has no entry for layer ", layer));
  }
}

// style.replay: everything the replay reads is there and is what the lineage recorded.
void check_replayable(const SectionReader& style, const RenderConfig& config,
                      const StyleTargetsInfo& info) {
  // The layers with a source of their own (style.layer_sources) are not replayed.
  std::vector<std::string> needed;
  for (const auto* layers : {&config.style_layers, &config.sweep_style_layers})
    for (const std::string& layer : *layers)
      if (!config.style_layer_sources.count(layer)) needed.push_back(layer);
  check_lineage_replayable(style, config.style_targets.front(), info, info.lineage, needed, "");
}

// style.color with kept styles: the Grams were captured in one colour mode, which the render
// takes when style.color is not given; a render in another mode, or a blend of styles of
// different modes, is refused. style.color_match recolours style images, which a kept style
// has none of.
void check_kept_style_colors(const SectionReader& style, RenderConfig& config,
                             const std::vector<StyleTargetsInfo>& infos,
                             const std::vector<std::string>& files, const std::string& files_key) {
  if (config.style_color_match != ColorMatch::None)
    style.fail("color_match", msg("recolours style images; ", files_key,
                                  " has none (a kept style keeps the colour match it was "
                                  "captured with)"));
  const StyleColor kept = kept_style_color(infos.front());
  for (size_t i = 1; i < infos.size(); ++i)
    if (kept_style_color(infos[i]) != kept)
      style.errors().fail(
          files_key, msg(files[i], " was captured with style.color = \"",
                         name_in(kStyleColorNames, kept_style_color(infos[i])), "\" but ", files[0],
                         " with \"", name_in(kStyleColorNames, kept), "\""));
  if (!style.has("color")) {
    config.style_color = kept;
  } else if (config.style_color != kept) {
    style.fail("color",
               msg("is \"", name_in(kStyleColorNames, config.style_color), "\" but ", files[0],
                   " was captured with \"", name_in(kStyleColorNames, kept), "\""));
  }
}

// A kept style of [[regions]] is applied alone, as style.targets (its regions come with it).
void check_regions_file_alone(const ConfigErrors& errors, const std::string& files_key,
                              const std::vector<std::string>& files,
                              const std::vector<StyleTargetsInfo>& infos) {
  for (size_t i = 0; i < infos.size(); ++i)
    if (!infos[i].regions.empty() && (files_key != "style.targets" || files.size() != 1))
      errors.fail(files_key, msg(files[i],
                                 " is a kept style of [[regions]] (nsrg.regions): it is "
                                 "applied alone, as the one file of style.targets"));
}

// One file's layers and model against the config; `files_key` names the list it came from.
void check_one_file(const ConfigErrors& errors, const RenderConfig& config,
                    const std::string& files_key, const std::string& file,
                    const StyleTargetsInfo& info, const std::string& config_model_sha256) {
  // A layer with its own source (style.layer_sources) needs no target in [style]'s files.
  const auto check_layers = [&](const std::string& key, const std::vector<std::string>& layers) {
    for (const std::string& layer : layers)
      if (!config.style_layer_sources.count(layer) &&
          std::find(info.layers.begin(), info.layers.end(), layer) == info.layers.end())
        errors.fail(key, msg("layer \"", layer, "\" has no target in ", file, " (it holds ",
                             "[" + joined(info.layers) + "]", ")"));
  };
  check_layers("style.layers", config.style_layers);
  check_layers("sweep.style_layers", config.sweep_style_layers);

  if (!kept_style_model_matches(info, config.model, config_model_sha256))
    errors.fail("model", msg("is ", config.model, " but ", files_key, " ", file, " was made with ",
                             info.model, is_builtin(info.model) ? "" : " (another weights file)"));
}

}  // namespace

StyleColor kept_style_color(const StyleTargetsInfo& info) {
  return lineage_color(info.regions.empty() ? info.lineage : info.regions.front().lineage);
}

std::string model_sha256_of(const std::string& model) {
  return is_builtin(model) ? "" : sha256_file_hex(model);
}

bool kept_style_model_matches(const StyleTargetsInfo& info, const std::string& model,
                              const std::string& model_sha256) {
  return is_builtin(info.model) || is_builtin(model) ? info.model == model
                                                     : info.model_sha256 == model_sha256;
}

std::vector<StyleTargetsInfo> check_kept_styles_match(const SectionReader& style,
                                                      const std::vector<std::string>& files,
                                                      const std::string& files_key,
                                                      bool levels_given, RenderConfig& config) {
  std::vector<StyleTargetsInfo> infos;
  for (const std::string& file : files) infos.push_back(read_style_targets_info(file));
  check_regions_file_alone(style.errors(), files_key, files, infos);
  const StyleTargetsInfo& first = infos.front();
  check_kept_style_colors(style, config, infos, files, files_key);
  if (!style.has("layers")) {
    for (size_t i = 1; i < infos.size(); ++i)
      if (infos[i].layers != first.layers)
        style.errors().fail(files_key,
                            msg(files[i], " holds the layers ", "[" + joined(infos[i].layers) + "]",
                                " but ", files[0], " holds ", "[" + joined(first.layers) + "]",
                                "; name the layers to blend in style.layers"));
    config.style_layers = first.layers;
  }
  const std::string model_sha256 = model_sha256_of(config.model);
  for (size_t i = 0; i < infos.size(); ++i)
    check_one_file(style.errors(), config, files_key, files[i], infos[i], model_sha256);

  if (!levels_given && !config.any_randomization()) {
    // The levels of the render the style came from; a blend of styles rendered with different
    // levels takes auto.
    bool same_levels = true;
    for (const StyleTargetsInfo& info : infos)
      same_levels = same_levels && info.levels == first.levels;
    if (!same_levels) {
      config.levels = LevelsMode::Auto;
      return infos;
    }
    const std::optional<LevelsMode> levels = value_in(kLevelsModeNames, first.levels);
    if (!levels)
      style.errors().fail(files_key,
                          msg(files[0], ": unknown levels \"", first.levels, "\" in the file"));
    config.levels = *levels;
  }
  return infos;
}

void check_style_targets_match(const SectionReader& style, bool levels_given,
                               RenderConfig& config) {
  const std::vector<StyleTargetsInfo> infos =
      check_kept_styles_match(style, config.style_targets, "style.targets", levels_given, config);
  if (config.style_replay) {
    if (config.style_targets.size() != 1)
      fail_replay(style, msg("replays one kept style, but style.targets lists ",
                             config.style_targets.size(), " files"));
    if (!infos.front().regions.empty())
      fail_replay(style, msg(config.style_targets.front(),
                             " is a kept style of [[regions]]: its regions' lineages are not "
                             "replayed in this build (render it without style.replay)"));
    check_replayable(style, config, infos.front());
  }
}

}  // namespace nsrg::config_detail
