// Checking [style.layer_sources] against the rest of the config.
#include "engine/config/config_layer_sources.h"

#include <algorithm>

#include "engine/config/config_style_targets.h"
#include "engine/core/enum_names.h"
#include "engine/core/error.h"
#include "engine/core/text_list.h"
#include "weights/style_targets_file.h"

namespace nsrg::config_detail {
namespace {

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// A kept style as one layer's source: a style targets file with that layer, of the config's
// model, captured in the config's colour mode.
void check_kept_source(const ConfigErrors& errors, const std::string& key, const std::string& layer,
                       const std::string& file, const RenderConfig& config) {
  const StyleTargetsInfo info = read_style_targets_info(file);
  if (!info.regions.empty())
    errors.fail(key, msg(file,
                         " is a kept style of [[regions]] (nsrg.regions), not one Gram per "
                         "layer: apply it alone as style.targets"));
  if (!contains(info.layers, layer))
    errors.fail(key, msg("layer \"", layer, "\" has no target in ", file, " (it holds [",
                         joined(info.layers), "])"));
  if (!kept_style_model_matches(info, config.model, model_sha256_of(config.model)))
    errors.fail(key, msg(file, " was made with ", info.model, " but model is ", config.model));
  const StyleColor kept = lineage_color(info.lineage);
  if (kept != config.style_color)
    errors.fail(key, msg(file, " was captured with style.color = \"",
                         name_in(kStyleColorNames, kept), "\" but this render's is \"",
                         name_in(kStyleColorNames, config.style_color), "\""));
}

}  // namespace

void check_layer_sources(const SectionReader& style, const RenderConfig& config) {
  const ConfigErrors& errors = style.errors();
  for (const auto& [layer, source] : config.style_layer_sources) {
    const std::string key = style.key("layer_sources." + layer);
    const bool has_images = !source.images.empty();
    const bool has_targets = !source.targets.empty();
    if (has_images && has_targets)
      errors.fail(key, "gives both images and targets: a layer has one source");
    if (!has_images && !has_targets)
      errors.fail(key, "needs images = [style images] or targets = \"a kept style file\"");
    if (!contains(config.style_layers, layer) && !contains(config.sweep_style_layers, layer))
      errors.fail(key,
                  msg("\"", layer, "\" is not a style layer (style.layers is [",
                      joined(config.style_layers), "]",
                      config.sweep_style_layers.empty()
                          ? std::string()
                          : msg(", sweep.style_layers [", joined(config.sweep_style_layers), "]"),
                      ")"));
    if (has_targets) check_kept_source(errors, key + ".targets", layer, source.targets, config);
  }
}

}  // namespace nsrg::config_detail
