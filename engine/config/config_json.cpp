// config_to_json: the resolved RenderConfig as JSON with the TOML file's sections and keys,
// for the render summary file.
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "engine/config/config.h"

namespace nsrg {
namespace {

// The shortest decimal that reads back as `value`, as a double (so 1e-3f is written as
// 0.001, not 0.0010000000474974513).
double shortest_decimal(float value) {
  if (!std::isfinite(value)) return value;
  char text[32];
  for (int digits = 1; digits <= 9; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, static_cast<double>(value));
    if (std::strtof(text, nullptr) == value) break;
  }
  return std::strtod(text, nullptr);
}

nlohmann::json numbers(const std::vector<float>& values) {
  nlohmann::json array = nlohmann::json::array();
  for (float value : values) array.push_back(shortest_decimal(value));
  return array;
}

nlohmann::json layer_randomization_to_json(const LayerRandomization& settings) {
  return {{"mode", name_in(kRandomizeModeNames, settings.mode)},
          {"range", numbers({settings.range_lo, settings.range_hi})},
          {"distribution", name_in(kRandomDistributionNames, settings.distribution)},
          {"mix", shortest_decimal(settings.mix)}};
}

}  // namespace

nlohmann::json config_to_json(const RenderConfig& config) {
  nlohmann::json json;
  json["backend"] = name_in(kBackendChoiceNames, config.backend);
  json["precision"] = name_in(kPrecisionNames, config.precision);
  json["threads"] = config.threads;
  json["seed"] = config.seed;
  json["image_size"] = config.image_size;
  json["model"] = config.model;
  json["content"] = {{"image", config.content_image},
                     {"layers", config.content_layers},
                     {"weight", shortest_decimal(config.content_weight)}};
  json["style"] = {{"images", config.style_images},
                   {"blend_weights", numbers(config.style_blend_weights)},
                   {"scale", shortest_decimal(config.style_scale)},
                   {"layers", config.style_layers},
                   {"weight", shortest_decimal(config.style_weight)},
                   {"targets", config.style_targets}};
  json["loss"] = {{"tv_weight", shortest_decimal(config.tv_weight)},
                  {"normalize_gradients", config.normalize_gradients}};
  json["init"] = {{"kind", name_in(kInitKindNames, config.init_kind)},
                  {"image", config.init_image}};
  json["optimizer"] = {
      {"kind", name_in(kOptimizerKindNames, config.optimizer)},
      {"iterations", config.iterations},
      {"learning_rate", shortest_decimal(config.learning_rate)},
      {"history", config.history},
      {"history_precision", name_in(kHistoryPrecisionNames, config.history_precision)},
      {"beta1", shortest_decimal(config.beta1)},
      {"beta2", shortest_decimal(config.beta2)},
      {"epsilon", shortest_decimal(config.epsilon)}};
  json["network"] = {{"pooling", name_in(kPoolingNames, config.pooling)}};
  json["output"] = {
      {"path", config.output_path},
      {"levels", name_in(kLevelsModeNames, config.levels)},
      {"percentiles", numbers({config.levels_low_percentile, config.levels_high_percentile})},
      {"original_colors", config.original_colors},
      {"print_iter", config.print_iter},
      {"save_iter", config.save_iter},
      {"save_raw", config.save_raw},
      {"contact_sheet", config.contact_sheet},
      {"save_targets", config.save_targets},
      {"save_stages", config.save_stages}};
  nlohmann::json randomize = layer_randomization_to_json(config.randomize);
  randomize["variants"] = config.variants;
  randomize["layers"] = nlohmann::json::object();
  for (const auto& [layer, settings] : config.randomize_layers)
    randomize["layers"][layer] = layer_randomization_to_json(settings);
  json["randomize"] = randomize;
  json["sweep"] = {{"style_layers", config.sweep_style_layers}};
  json["memory_limit_mib"] = config.memory_limit_mib;
  if (config.stages.empty()) return json;
  json["stages"] = nlohmann::json::array();
  for (const StageConfig& s : config.stages)
    json["stages"].push_back({{"image_size", s.image_size},
                              {"iterations", s.iterations},
                              {"optimizer", name_in(kOptimizerKindNames, s.optimizer)},
                              {"learning_rate", shortest_decimal(s.learning_rate)},
                              {"history", s.history},
                              {"tv_weight", shortest_decimal(s.tv_weight)},
                              {"style_scale", shortest_decimal(s.style_scale)}});
  return json;
}

}  // namespace nsrg
