// load_config: reads the TOML file, applies --set overrides, rejects unknown keys, then
// reads and validates every section into a RenderConfig.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>
#include <thread>

#include "engine/config/config.h"
#include "engine/config/config_errors.h"
#include "engine/config/config_limits.h"
#include "engine/config/config_overrides.h"
#include "engine/config/config_paths.h"
#include "engine/config/config_reader.h"
#include "engine/config/config_schema.h"
#include "engine/config/config_stages.h"
#include "engine/config/config_style_targets.h"
#include "engine/core/error.h"

namespace nsrg {
namespace {

namespace fs = std::filesystem;
using config_detail::ConfigErrors;
using config_detail::exclusive;
using config_detail::inclusive;
using config_detail::SectionReader;
using config_detail::unbounded;

constexpr int64_t kIntMax = 2147483647;
constexpr int kThreadsPerHardwareThread = 4;
const char* const kBuiltinModelPrefix = "builtin:";
const char* const kBuiltinVgg19Random = "builtin:vgg19-random";

std::string absolute_config_path(const std::string& path) {
  if (path.empty()) throw UserError("config file path is empty");
  std::error_code error;
  fs::path absolute = fs::absolute(path, error);
  if (error) throw UserError(msg(path, ": cannot resolve the config file path"));
  return absolute.lexically_normal().string();
}

std::string read_config_text(const std::string& path) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (!fs::exists(status)) throw UserError(msg(path, ": config file not found"));
  if (fs::is_directory(status)) throw UserError(msg(path, ": is a folder, not a config file"));
  const uintmax_t size = fs::file_size(path, error);
  if (!error && size > config_detail::kMaxConfigBytes)
    throw UserError(msg(path, ": config file is too large (", size, " bytes; at most ",
                        config_detail::kMaxConfigBytes, ")"));
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) throw UserError(msg(path, ": cannot read the config file"));
  return text.str();
}

toml::table parse_config_file(const std::string& path) {
  const std::string text = read_config_text(path);
  config_detail::check_config_text(text, path);
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& error) {
    std::string description(error.description());
    for (char& c : description)
      if (c == '\n' || c == '\r') c = ' ';
    throw UserError(msg(path, ":", error.source().begin.line, ":", error.source().begin.column,
                        ": TOML syntax error: ", description));
  }
}

void read_general(const SectionReader& top, const fs::path& base, RenderConfig& config) {
  top.read_choice("backend", config.backend, kBackendChoiceNames);
  top.read_choice("precision", config.precision, kPrecisionNames);
  // More threads than cores only adds overhead; the OpenMP runtime aborts (after taking
  // gigabytes) when asked for tens of thousands.
  const int hardware = std::max(1, int(std::thread::hardware_concurrency()));
  const int max_threads = kThreadsPerHardwareThread * hardware;
  if (std::optional<int64_t> threads = top.get_integer("threads");
      threads && *threads > max_threads)
    top.fail("threads",
             msg("must be <= ", max_threads, " (", kThreadsPerHardwareThread, " x the ", hardware,
                 " hardware threads here; 0 uses all of them) (got ", *threads, ")"));
  top.read_int("threads", config.threads, 0, max_threads);
  if (std::optional<int64_t> seed = top.get_integer("seed")) {
    if (*seed < 0) top.fail("seed", msg("must be >= 0 (got ", *seed, ")"));
    config.seed = static_cast<uint64_t>(*seed);
  }
  top.read_int("image_size", config.image_size, 16, 16384);
  if (std::optional<int64_t> limit = top.get_integer("memory_limit_mib")) {
    if (*limit < 0) top.fail("memory_limit_mib", msg("must be >= 0 (got ", *limit, ")"));
    config.memory_limit_mib = *limit;
  }
  if (std::optional<std::string> model = top.get_string("model")) {
    if (model->rfind(kBuiltinModelPrefix, 0) == 0) {
      if (*model != kBuiltinVgg19Random)
        top.fail("model",
                 msg("unknown built-in model \"", *model, "\" (known: ", kBuiltinVgg19Random, ")"));
      config.model = *model;
    } else {
      config.model = resolve_config_path(top.errors(), "model", base, *model);
      require_input_file(top.errors(), "model", config.model);
    }
  }
}

void read_content(const SectionReader& content, const fs::path& base, RenderConfig& config) {
  std::optional<std::string> image = content.get_string("image");
  if (!image) content.fail("image", "is required (the content image file)");
  config.content_image = resolve_config_path(content.errors(), content.key("image"), base, *image);
  require_input_file(content.errors(), content.key("image"), config.content_image);
  content.read_layer_names("layers", config.content_layers, false);
  content.read_float("weight", config.content_weight, inclusive(0), unbounded());
}

void read_style_images(const SectionReader& style, const fs::path& base, RenderConfig& config) {
  std::optional<std::vector<std::string>> images = style.get_strings("images");
  if (!images) style.fail("images", "is required (a list of style image files)");
  if (images->empty()) style.fail("images", "must name at least one image");
  config.style_images.clear();
  for (size_t i = 0; i < images->size(); ++i) {
    const std::string key = msg(style.key("images"), "[", i, "]");
    config.style_images.push_back(resolve_config_path(style.errors(), key, base, (*images)[i]));
    require_input_file(style.errors(), key, config.style_images.back());
  }
}

void read_blend_weights(const SectionReader& style, RenderConfig& config) {
  const size_t count = config.style_images.size();
  std::vector<double> weights(count, 1.0);
  if (std::optional<std::vector<double>> given = style.get_numbers("blend_weights")) {
    if (given->size() != count)
      style.fail("blend_weights",
                 msg("has ", given->size(), " values but style.images has ", count));
    weights = *given;
    for (size_t i = 0; i < count; ++i)
      config_detail::check_number(style.errors(), msg(style.key("blend_weights"), "[", i, "]"),
                                  weights[i], inclusive(0), unbounded());
  }
  const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
  if (!(sum > 0) || !std::isfinite(sum))
    style.fail("blend_weights", "must have a positive, finite sum");
  config.style_blend_weights.clear();
  for (double weight : weights)
    config.style_blend_weights.push_back(static_cast<float>(weight / sum));
}

void read_style(const SectionReader& style, const fs::path& base, RenderConfig& config) {
  if (const std::optional<std::string> targets = style.get_string("targets");
      targets && !targets->empty()) {
    config_detail::read_style_targets_key(style, base, config);
  } else {
    read_style_images(style, base, config);
    read_blend_weights(style, config);
  }
  style.read_float("scale", config.style_scale, exclusive(0), inclusive(10));
  style.read_layer_names("layers", config.style_layers, false);
  style.read_float("weight", config.style_weight, inclusive(0), unbounded());
}

void read_loss(const SectionReader& loss, RenderConfig& config) {
  loss.read_float("tv_weight", config.tv_weight, inclusive(0), unbounded());
  loss.read_bool("normalize_gradients", config.normalize_gradients);
}

void read_init(const SectionReader& init, const fs::path& base, RenderConfig& config) {
  init.read_choice("kind", config.init_kind, kInitKindNames);
  std::optional<std::string> image = init.get_string("image");
  if (image && !image->empty()) {
    config.init_image = resolve_config_path(init.errors(), init.key("image"), base, *image);
    require_input_file(init.errors(), init.key("image"), config.init_image);
  }
}

void read_optimizer(const SectionReader& optimizer, RenderConfig& config) {
  optimizer.read_choice("kind", config.optimizer, kOptimizerKindNames);
  optimizer.read_int("iterations", config.iterations, 1, 10000000);
  config.learning_rate = config.optimizer == OptimizerKind::Adam ? 10.0f : 1.0f;
  optimizer.read_float("learning_rate", config.learning_rate, exclusive(0), unbounded());
  optimizer.read_int("history", config.history, 1, 1000);
  optimizer.read_choice("history_precision", config.history_precision, kHistoryPrecisionNames);
  optimizer.read_float("beta1", config.beta1, inclusive(0), exclusive(1));
  optimizer.read_float("beta2", config.beta2, inclusive(0), exclusive(1));
  optimizer.read_float("epsilon", config.epsilon, exclusive(0), unbounded());
}

void read_output(const SectionReader& output, const fs::path& base, RenderConfig& config) {
  config.output_path = (base / "out" / "out.png").lexically_normal().string();
  if (std::optional<std::string> path = output.get_string("path"))
    config.output_path = resolve_config_path(output.errors(), output.key("path"), base, *path);
  require_output_image_path(output.errors(), output.key("path"), config.output_path);
  output.read_choice("levels", config.levels, kLevelsModeNames);
  output.read_pair("percentiles", config.levels_low_percentile, config.levels_high_percentile,
                   inclusive(0), inclusive(100), true);
  output.read_bool("original_colors", config.original_colors);
  output.read_int("print_iter", config.print_iter, 0, kIntMax);
  output.read_int("save_iter", config.save_iter, 0, kIntMax);
  output.read_bool("save_raw", config.save_raw);
  output.read_bool("contact_sheet", config.contact_sheet);
  output.read_bool("save_targets", config.save_targets);
  output.read_bool("save_stages", config.save_stages);
}

// The randomization keys of [randomize] or [randomize.layers.<name>], starting from `base`.
LayerRandomization read_layer_randomization(const SectionReader& section, LayerRandomization base) {
  section.read_choice("mode", base.mode, kRandomizeModeNames);
  section.read_pair("range", base.range_lo, base.range_hi, inclusive(0), unbounded(), false);
  section.read_choice("distribution", base.distribution, kRandomDistributionNames);
  section.read_float("mix", base.mix, inclusive(0), inclusive(1));
  return base;
}

void read_randomize(const SectionReader& randomize, RenderConfig& config) {
  config.randomize = read_layer_randomization(randomize, LayerRandomization{});
  randomize.read_int("variants", config.variants, 1, 1000);
  const SectionReader layers = randomize.section("layers");
  if (!layers.table()) return;
  for (auto&& [name_view, node] : *layers.table()) {
    const std::string name(name_view.str());
    if (name.empty()) layers.fail(name, "empty layer name");
    const SectionReader layer = layers.section(name);
    config.randomize_layers[name] = read_layer_randomization(layer, config.randomize);
  }
}

}  // namespace

RenderConfig load_config(const std::string& path, const std::vector<std::string>& overrides) {
  RenderConfig config;
  config.config_path = absolute_config_path(path);
  ConfigErrors errors(config.config_path);
  toml::table root = parse_config_file(config.config_path);
  for (const std::string& assignment : overrides)
    errors.mark_overridden(config_detail::apply_override(root, assignment));
  config_detail::check_known_keys(root, errors);

  const fs::path base = fs::path(config.config_path).parent_path();
  const SectionReader top(&root, "", errors);
  read_general(top, base, config);
  read_content(top.section("content"), base, config);
  read_style(top.section("style"), base, config);
  read_loss(top.section("loss"), config);
  read_init(top.section("init"), base, config);
  read_optimizer(top.section("optimizer"), config);
  top.section("network").read_choice("pooling", config.pooling, kPoolingNames);
  read_output(top.section("output"), base, config);
  read_randomize(top.section("randomize"), config);
  config_detail::read_stages(root, errors, config);
  top.section("sweep").read_layer_names("style_layers", config.sweep_style_layers, true);
  const bool levels_given = top.section("output").get_string("levels").has_value();
  if (!levels_given)
    config.levels = config.any_randomization() ? LevelsMode::Auto : LevelsMode::MinMax;
  if (!config.style_targets.empty())
    config_detail::check_style_targets_match(top.section("style"), levels_given, config);
  config.overrides = overrides;
  return config;
}

}  // namespace nsrg
