// RenderConfig's per-layer randomization look-ups and validate_layers (layer names of a
// config against the loaded network).
#include "engine/config/config.h"
#include "engine/core/error.h"

namespace nsrg {

RandomizeSettings RenderConfig::randomization_for(const std::string& layer) const {
  auto entry = randomize_layers.find(layer);
  return entry == randomize_layers.end() ? randomize : entry->second;
}

bool RenderConfig::any_randomization() const {
  if (randomize.mode != RandomizeMode::None) return true;
  for (const auto& [layer, settings] : randomize_layers)
    if (settings.mode != RandomizeMode::None) return true;
  for (const StyleRegion& region : regions)
    if (region.randomize_given && region.randomize.mode != RandomizeMode::None) return true;
  return false;
}

void validate_layers(const RenderConfig& config,
                     const std::function<bool(const std::string&)>& has_layer) {
  auto check = [&](const std::string& key, const std::string& layer) {
    if (!has_layer(layer))
      throw UserError(msg(config.config_path, ": ", key, ": layer \"", layer, "\" is not in model ",
                          config.model));
  };
  for (const std::string& layer : config.content_layers) check("content.layers", layer);
  for (const std::string& layer : config.style_layers) check("style.layers", layer);
  for (const std::string& layer : config.sweep_style_layers) check("sweep.style_layers", layer);
  for (const auto& [layer, settings] : config.randomize_layers) check("randomize.layers", layer);
}

}  // namespace nsrg
