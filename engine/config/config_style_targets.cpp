// Reading style.targets and checking a targets file against the config.
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

}  // namespace

void check_style_targets_match(const SectionReader& style, bool levels_given,
                               RenderConfig& config) {
  const StyleTargetsInfo info = read_style_targets_info(config.style_targets);
  const std::string file = config.style_targets;
  if (!style.has("layers")) config.style_layers = info.layers;
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
                              : info.model_sha256 == sha256_file_hex(config.model);
  if (!same_model)
    style.errors().fail("model",
                        msg("is ", config.model, " but style.targets ", file, " was made with ",
                            info.model, is_builtin(info.model) ? "" : " (another weights file)"));
  if (!levels_given && !config.any_randomization()) {
    const std::optional<LevelsMode> levels = value_in(kLevelsModeNames, info.levels);
    if (!levels)
      style.errors().fail("targets",
                          msg(file, ": unknown levels \"", info.levels, "\" in the file"));
    else
      config.levels = *levels;
  }
}

}  // namespace nsrg::config_detail
