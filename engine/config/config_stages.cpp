// [[stages]]: the stage keys, reading and resolving each stage, and their JSON.
#include "engine/config/config_stages.h"

#include <set>
#include <string>

#include "engine/config/config_reader.h"
#include "engine/core/error.h"

namespace nsrg::config_detail {
namespace {

constexpr int kMaxStages = 16;

const std::set<std::string>& stage_keys() {
  static const std::set<std::string> keys{"image_size", "iterations", "optimizer",  "learning_rate",
                                          "history",    "tv_weight",  "style_scale"};
  return keys;
}

std::string stage_prefix(size_t index) {
  return msg("stages[", index, "]");
}

float default_learning_rate(OptimizerKind optimizer) {
  return optimizer == OptimizerKind::Adam ? 10.0f : 1.0f;
}

}  // namespace

void check_stage_keys(const toml::node& stages, const ConfigErrors& errors) {
  const toml::array* array = stages.as_array();
  if (array == nullptr) return;
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::table* table = (*array)[i].as_table();
    if (table == nullptr) continue;
    for (auto&& [key, node] : *table)
      if (!stage_keys().count(std::string(key.str())))
        errors.fail_unknown_key(stage_prefix(i) + "." + std::string(key.str()));
  }
}

void read_stages(const toml::table& root, const ConfigErrors& errors, RenderConfig& config) {
  const toml::node* node = root.get("stages");
  if (node == nullptr) return;
  const toml::array* array = node->as_array();
  if (array == nullptr)
    errors.fail("stages",
                msg("must be an array of tables ([[stages]]), not a ", toml_type_name(*node)));
  if (array->empty()) errors.fail("stages", "must hold at least one [[stages]] table");
  if (array->size() > size_t(kMaxStages))
    errors.fail("stages", msg("has ", array->size(), " stages; at most ", kMaxStages));
  config.stages.clear();
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::table* table = (*array)[i].as_table();
    if (table == nullptr)
      errors.fail(stage_prefix(i), msg("must be a table, not a ", toml_type_name((*array)[i])));
    const SectionReader stage(table, stage_prefix(i), errors);
    if (!stage.has("image_size")) stage.fail("image_size", "is required in every stage");
    if (!stage.has("iterations")) stage.fail("iterations", "is required in every stage");
    StageConfig s;
    stage.read_int("image_size", s.image_size, 16, 16384);
    stage.read_int("iterations", s.iterations, 1, 10000000);
    s.optimizer = config.optimizer;
    stage.read_choice("optimizer", s.optimizer, kOptimizerKindNames);
    s.learning_rate =
        s.optimizer == config.optimizer ? config.learning_rate : default_learning_rate(s.optimizer);
    stage.read_float("learning_rate", s.learning_rate, exclusive(0), unbounded());
    s.history = config.history;
    stage.read_int("history", s.history, 1, 1000);
    s.tv_weight = config.tv_weight;
    stage.read_float("tv_weight", s.tv_weight, inclusive(0), unbounded());
    s.style_scale = config.style_scale;
    stage.read_float("style_scale", s.style_scale, exclusive(0), inclusive(10));
    config.stages.push_back(s);
  }
}

}  // namespace nsrg::config_detail
