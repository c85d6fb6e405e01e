// Checking the kept styles of style.targets against the config (and against one another when
// several are blended).
#include "engine/config/config_style_targets.h"

#include <algorithm>

#include "engine/config/config_paths.h"
#include "engine/core/enum_names.h"
#include "engine/core/error.h"
#include "engine/image/image.h"
#include "weights/sha256.h"
#include "weights/style_targets_file.h"

namespace nsrg::config_detail {
namespace {

std::string layer_list(const std::vector<std::string>& layers) {
  std::string text;
  for (const std::string& layer : layers) text += (text.empty() ? "" : ", ") + layer;
  return "[" + text + "]";
}

bool is_builtin(const std::string& model) {
  return model.rfind("builtin:", 0) == 0;
}

// One file's layers and model against the config.
void check_one_file(const SectionReader& style, const RenderConfig& config, const std::string& file,
                    const StyleTargetsInfo& info, const std::string& config_model_sha256) {
  const auto check_layers = [&](const std::string& key, const std::vector<std::string>& layers) {
    for (const std::string& layer : layers)
      if (std::find(info.layers.begin(), info.layers.end(), layer) == info.layers.end())
        style.errors().fail(key, msg("layer \"", layer, "\" has no target in ", file, " (it holds ",
                                     layer_list(info.layers), ")"));
  };
  check_layers("style.layers", config.style_layers);
  check_layers("sweep.style_layers", config.sweep_style_layers);

  const bool same_model = is_builtin(info.model) || is_builtin(config.model)
                              ? info.model == config.model
                              : info.model_sha256 == config_model_sha256;
  if (!same_model)
    style.errors().fail("model",
                        msg("is ", config.model, " but style.targets ", file, " was made with ",
                            info.model, is_builtin(info.model) ? "" : " (another weights file)"));
}

}  // namespace

void check_style_targets_match(const SectionReader& style, bool levels_given,
                               RenderConfig& config) {
  std::vector<StyleTargetsInfo> infos;
  for (const std::string& file : config.style_targets)
    infos.push_back(read_style_targets_info(file));
  const StyleTargetsInfo& first = infos.front();
  if (!style.has("layers")) {
    for (size_t i = 1; i < infos.size(); ++i)
      if (infos[i].layers != first.layers)
        style.fail("targets",
                   msg(config.style_targets[i], " holds the layers ", layer_list(infos[i].layers),
                       " but ", config.style_targets[0], " holds ", layer_list(first.layers),
                       "; name the layers to blend in style.layers"));
    config.style_layers = first.layers;
  }
  const std::string model_sha256 = is_builtin(config.model) ? "" : sha256_file_hex(config.model);
  for (size_t i = 0; i < infos.size(); ++i)
    check_one_file(style, config, config.style_targets[i], infos[i], model_sha256);

  if (!levels_given && !config.any_randomization()) {
    // The levels of the render the style came from; a blend of styles rendered with different
    // levels takes auto.
    bool same_levels = true;
    for (const StyleTargetsInfo& info : infos)
      same_levels = same_levels && info.levels == first.levels;
    if (!same_levels) {
      config.levels = LevelsMode::Auto;
      return;
    }
    const std::optional<LevelsMode> levels = value_in(kLevelsModeNames, first.levels);
    if (!levels)
      style.fail("targets", msg(config.style_targets[0], ": unknown levels \"", first.levels,
                                "\" in the file"));
    config.levels = *levels;
  }
}

}  // namespace nsrg::config_detail
