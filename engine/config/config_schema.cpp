// The set of keys a config file may hold, and the unknown-key check.
#include "engine/config/config_schema.h"

#include "engine/config/config_stages.h"

#include <map>
#include <set>
#include <string>

namespace nsrg::config_detail {
namespace {

using KeySet = std::set<std::string>;

const KeySet& top_level_keys() {
  static const KeySet keys{"backend", "precision", "threads", "seed", "image_size", "model",
                           "memory_limit_mib"};
  return keys;
}

const std::map<std::string, KeySet>& section_keys() {
  static const std::map<std::string, KeySet> sections{
      {"content", {"image", "layers", "weight"}},
      {"style", {"images", "blend_weights", "scale", "layers", "weight", "targets"}},
      {"loss", {"tv_weight", "normalize_gradients"}},
      {"init", {"kind", "image"}},
      {"optimizer",
       {"kind", "iterations", "learning_rate", "history", "history_precision", "beta1", "beta2", "epsilon"}},
      {"network", {"pooling"}},
      {"output",
       {"path", "levels", "percentiles", "original_colors", "print_iter", "save_iter", "save_raw",
        "contact_sheet", "save_targets", "save_stages"}},
      {"randomize", {"mode", "range", "distribution", "mix", "variants", "layers"}},
      {"sweep", {"style_layers"}},
  };
  return sections;
}

const KeySet& layer_randomization_keys() {
  static const KeySet keys{"mode", "range", "distribution", "mix"};
  return keys;
}

void check_table(const toml::table& table, const std::string& prefix, const KeySet& allowed,
                 const ConfigErrors& errors) {
  for (auto&& [key, node] : table)
    if (!allowed.count(std::string(key.str())))
      errors.fail_unknown_key(prefix + "." + std::string(key.str()));
}

}  // namespace

void check_known_keys(const toml::table& root, const ConfigErrors& errors) {
  for (auto&& [key_view, node] : root) {
    const std::string key(key_view.str());
    if (top_level_keys().count(key)) continue;
    if (key == "stages") {
      check_stage_keys(node, errors);
      continue;
    }
    auto section = section_keys().find(key);
    if (section == section_keys().end()) errors.fail_unknown_key(key);
    if (!node.is_table()) continue;  // reported as a type error when read
    check_table(*node.as_table(), key, section->second, errors);
    if (key != "randomize") continue;
    const toml::node* layers = node.as_table()->get("layers");
    if (!layers || !layers->is_table()) continue;
    for (auto&& [layer, settings] : *layers->as_table())
      if (settings.is_table())
        check_table(*settings.as_table(), "randomize.layers." + std::string(layer.str()),
                    layer_randomization_keys(), errors);
  }
}

}  // namespace nsrg::config_detail
