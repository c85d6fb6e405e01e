// load_config: reads the TOML file, applies --set overrides, rejects unknown keys, then
// reads and validates every key of config_fields.h into a RenderConfig with TomlVisitor.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

#include "engine/config/config.h"
#include "engine/config/config_errors.h"
#include "engine/config/config_fields.h"
#include "engine/config/config_layer_sources.h"
#include "engine/config/config_limits.h"
#include "engine/config/config_morph_path.h"
#include "engine/config/config_overrides.h"
#include "engine/config/config_paths.h"
#include "engine/config/config_reader.h"
#include "engine/config/config_regions.h"
#include "engine/config/config_schema.h"
#include "engine/config/config_style_targets.h"
#include "engine/core/error.h"

namespace nsrg {
namespace {

namespace fs = std::filesystem;
using config_detail::Bound;
using config_detail::ConfigErrors;
using config_detail::FileList;
using config_detail::SectionReader;

constexpr int kMaxStages = 16;
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

// The config_fields.h visitor that reads one TOML table: each operation leaves its value
// as it is when the key is absent (or stores the given default), else checks and stores it.
class TomlVisitor {
 public:
  TomlVisitor(const SectionReader& reader, const fs::path& base) : reader_(reader), base_(base) {}

  template <typename Enum, size_t N>
  void choice(const std::string& key, Enum& out, const NamedValue<Enum> (&names)[N]) {
    reader_.read_choice(key, out, names);
  }

  template <typename T>
  void integer(const std::string& key, T& out, int64_t min, int64_t max,
               const std::string& max_hint = "") {
    const std::optional<int64_t> value = reader_.get_integer(key);
    if (!value) return;
    if (*value < min) reader_.fail(key, msg("must be >= ", min, " (got ", *value, ")"));
    if (*value > max)
      reader_.fail(key, msg("must be <= ", max, max_hint.empty() ? "" : " (" + max_hint + ")",
                            " (got ", *value, ")"));
    out = static_cast<T>(*value);
  }

  template <typename T>
  void required_integer(const std::string& key, T& out, int64_t min, int64_t max, const char* why) {
    if (!reader_.has(key)) reader_.fail(key, why);
    integer(key, out, min, max);
  }

  template <typename T>
  void integer_or_auto(const std::string& key, T& out, int64_t min, int64_t max, T auto_value) {
    const toml::node* node = reader_.table() ? reader_.table()->get(key) : nullptr;
    if (node == nullptr || !node->is_string()) return integer(key, out, min, max);
    if (*reader_.get_string(key) != "auto")
      reader_.fail(key, msg("must be a whole number in [", min, ", ", max, "] or \"auto\""));
    out = auto_value;
  }

  void number(const std::string& key, float& out, Bound low, Bound high) {
    reader_.read_float(key, out, low, high);
  }
  void number(const std::string& key, float& out, Bound low, Bound high, float default_value) {
    out = default_value;
    reader_.read_float(key, out, low, high);
  }

  void boolean(const std::string& key, bool& out) { reader_.read_bool(key, out); }
  void kept_style_flag(const std::string& key, bool& out, bool kept_style) {
    reader_.read_bool(key, out);
    if (out && !kept_style)
      reader_.fail(key, "needs style.targets (it rebuilds a kept style from its lineage)");
  }

  void layers(const std::string& key, std::vector<std::string>& out, bool allow_empty) {
    reader_.read_layer_names(key, out, allow_empty);
  }

  void range(const std::string& key, float& lo, float& hi, Bound low, Bound high, bool strict) {
    reader_.read_pair(key, lo, hi, low, high, strict);
  }

  void input_file(const std::string& key, std::string& out, const char* required_why) {
    const std::optional<std::string> text = reader_.get_string(key);
    if (!text) {
      if (required_why != nullptr) reader_.fail(key, required_why);
      return;
    }
    if (text->empty() && required_why == nullptr) return;  // "" leaves an optional file unset
    out = resolved_input(reader_.key(key), *text);
  }

  void input_files(const std::string& key, std::vector<std::string>& out, FileList use) {
    const std::optional<std::vector<std::string>> files = reader_.get_strings(key);
    if (use == FileList::Forbidden || use == FileList::ForbiddenByPath) {
      // Empty lists are allowed: config_to_json writes them for a config with a kept style.
      if (files && !files->empty()) {
        if (use == FileList::ForbiddenByPath)
          reader_.fail(key, "cannot be used with [path] (path.styles names the kept styles)");
        fail_with_kept_style(key);
      }
      out.clear();
      return;
    }
    if (!files) {
      if (use == FileList::Required) reader_.fail(key, "is required (a list of style image files)");
      if (use == FileList::RequiredKeptStyles)
        reader_.fail(key, "is required (the kept styles, *.style.safetensors, in path order)");
      return;
    }
    if (files->empty() && use == FileList::Required)
      reader_.fail(key, "must name at least one image");
    out.clear();
    for (size_t i = 0; i < files->size(); ++i)
      out.push_back(resolved_input(msg(reader_.key(key), "[", i, "]"), (*files)[i]));
  }

  void input_file_list(const std::string& key, std::vector<std::string>& out, size_t max) {
    const toml::node* node = reader_.table() ? reader_.table()->get(key) : nullptr;
    if (node == nullptr) return;
    out.clear();
    if (node->is_string()) {  // one file; "" leaves it unset
      const std::string text = *reader_.get_string(key);
      if (!text.empty()) out.push_back(resolved_input(reader_.key(key), text));
      return;
    }
    if (!node->is_array())
      reader_.fail(key, msg("must be a file name or a list of file names, not a ",
                            config_detail::toml_type_name(*node)));
    const std::vector<std::string> files = *reader_.get_strings(key);
    if (files.size() > max) reader_.fail(key, msg("names ", files.size(), " files; at most ", max));
    for (size_t i = 0; i < files.size(); ++i)
      out.push_back(resolved_input(msg(reader_.key(key), "[", i, "]"), files[i]));
  }

  void blend_weights(const std::string& key, std::vector<float>& out, size_t count,
                     const char* counted) {
    const std::optional<std::vector<double>> given = reader_.get_numbers(key);
    if (count == 0) {  // nothing to weigh: `counted` says why
      if (given && !given->empty()) reader_.fail(key, counted);
      out.clear();
      return;
    }
    std::vector<double> weights(count, 1.0);
    if (given && !given->empty()) {  // [] (as a summary of an older version wrote it): equal
      if (given->size() != count)
        reader_.fail(key, msg("has ", given->size(), " values but ", counted, " has ", count));
      weights = *given;
      for (size_t i = 0; i < count; ++i)
        config_detail::check_number(reader_.errors(), msg(reader_.key(key), "[", i, "]"),
                                    weights[i], config_detail::inclusive(0),
                                    config_detail::unbounded());
    }
    const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
    if (!(sum > 0) || !std::isfinite(sum)) reader_.fail(key, "must have a positive, finite sum");
    out.clear();
    for (double weight : weights) out.push_back(static_cast<float>(weight / sum));
  }

  void model(const std::string& key, std::string& out) {
    const std::optional<std::string> model = reader_.get_string(key);
    if (!model) return;
    if (model->rfind(kBuiltinModelPrefix, 0) == 0) {
      if (*model != kBuiltinVgg19Random)
        reader_.fail(
            key, msg("unknown built-in model \"", *model, "\" (known: ", kBuiltinVgg19Random, ")"));
      out = *model;
      return;
    }
    out = resolved_input(reader_.key(key), *model);
  }

  void output_image(const std::string& key, std::string& out) {
    out = (base_ / "out" / "out.png").lexically_normal().string();
    if (const std::optional<std::string> path = reader_.get_string(key))
      out = config_detail::resolve_config_path(reader_.errors(), reader_.key(key), base_, *path);
    config_detail::require_output_image_path(reader_.errors(), reader_.key(key), out);
  }

  void output_folder(const std::string& key, std::string& out) {
    if (const std::optional<std::string> path = reader_.get_string(key))
      out = config_detail::resolve_config_path(reader_.errors(), reader_.key(key), base_, *path);
  }

  template <typename Visit>
  void section(const std::string& key, Visit visit) {
    TomlVisitor inner(reader_.section(key), base_);
    visit(inner);
  }
  template <typename Visit>
  void command_section(const std::string& key, Visit visit) {
    section(key, visit);
  }

  template <typename Visit>
  void optional_section(const std::string& key, bool& present, Visit visit) {
    const SectionReader inner = reader_.section(key);
    present = inner.table() != nullptr;
    if (!present) return;
    TomlVisitor reader(inner, base_);
    visit(reader);
  }

  template <typename Settings, typename Visit>
  void named_tables(const std::string& key, std::map<std::string, Settings>& out,
                    const Settings& base, Visit visit) {
    const SectionReader tables = reader_.section(key);
    if (!tables.table()) return;
    for (auto&& [name_view, node] : *tables.table()) {
      const std::string name(name_view.str());
      if (name.empty()) tables.fail(name, "empty layer name");
      TomlVisitor entry(tables.section(name), base_);
      Settings settings = base;
      visit(entry, settings);
      out[name] = settings;
    }
  }

  template <typename Settings, typename Visit>
  void optional_named_tables(const std::string& key, std::map<std::string, Settings>& out,
                             const Settings& base, Visit visit) {
    named_tables(key, out, base, visit);
  }

  template <typename Visit>
  void stages(const std::string& key, std::vector<Stage>& out, bool& from_tables,
              const Stage& top_level, Visit visit) {
    out.assign(1, top_level);
    from_tables = false;
    const toml::array* array = array_of_tables(key, size_t(kMaxStages), "stages");
    if (array == nullptr) return;
    if (array->empty()) reader_.errors().fail(key, "must hold at least one [[stages]] table");
    out.clear();
    from_tables = true;
    read_tables(key, *array, top_level, out, visit);
  }

  template <typename Entry, typename Visit>
  void table_array(const std::string& key, std::vector<Entry>& out, size_t max, Visit visit) {
    out.clear();
    const toml::array* array = array_of_tables(key, max, "tables");
    if (array != nullptr) read_tables(key, *array, Entry{}, out, visit);
  }

 private:
  // The array of tables `key` (nullptr when absent); fails when it is not an array or has
  // more than `max` entries (`plural` names them in the message).
  const toml::array* array_of_tables(const std::string& key, size_t max, const char* plural) const {
    const toml::node* node = reader_.table() ? reader_.table()->get(key) : nullptr;
    if (node == nullptr) return nullptr;
    const toml::array* array = node->as_array();
    if (array == nullptr)
      reader_.errors().fail(key, msg("must be an array of tables ([[", key, "]]), not a ",
                                     config_detail::toml_type_name(*node)));
    if (array->size() > max)
      reader_.errors().fail(key, msg("has ", array->size(), " ", plural, "; at most ", max));
    return array;
  }

  // Each table of `array` read by `visit` into an entry starting from `first`, appended to out.
  template <typename Entry, typename Visit>
  void read_tables(const std::string& key, const toml::array& array, const Entry& first,
                   std::vector<Entry>& out, Visit visit) const {
    for (size_t i = 0; i < array.size(); ++i) {
      const std::string prefix = msg(key, "[", i, "]");
      const toml::table* table = array[i].as_table();
      if (table == nullptr)
        reader_.errors().fail(
            prefix, msg("must be a table, not a ", config_detail::toml_type_name(array[i])));
      TomlVisitor entry_reader(SectionReader(table, prefix, reader_.errors()), base_);
      Entry entry = first;
      visit(entry_reader, entry);
      out.push_back(entry);
    }
  }

  std::string resolved_input(const std::string& dotted_key, const std::string& text) const {
    const std::string path =
        config_detail::resolve_config_path(reader_.errors(), dotted_key, base_, text);
    config_detail::require_input_file(reader_.errors(), dotted_key, path);
    return path;
  }

  [[noreturn]] void fail_with_kept_style(const std::string& key) const {
    reader_.fail(key,
                 "cannot be used with style.targets (the targets file replaces the style images)");
  }

  SectionReader reader_;
  fs::path base_;
};

}  // namespace

RenderConfig load_config(const std::string& path, const std::vector<std::string>& overrides) {
  RenderConfig config;
  config.config_path = absolute_config_path(path);
  ConfigErrors errors(config.config_path);
  toml::table root = parse_config_file(config.config_path);
  for (const std::string& assignment : overrides)
    errors.mark_overridden(config_detail::apply_override(root, assignment));
  config_detail::check_known_keys(root, errors);

  const SectionReader top(&root, "", errors);
  TomlVisitor visitor(top, fs::path(config.config_path).parent_path());
  config_detail::visit_config(visitor, config);

  const bool levels_given = top.section("output").get_string("levels").has_value();
  if (!levels_given)
    config.levels = config.any_randomization() ? LevelsMode::Auto : LevelsMode::MinMax;
  if (config.style_color == StyleColor::Luminance && config.style_color_match != ColorMatch::None)
    top.section("style").fail("color_match",
                              "cannot be used with style.color = \"luminance\" (which matches the "
                              "style's luminance to the content's already): choose one");
  if (config.path.given && !config.style_layer_sources.empty())
    top.section("style").fail("layer_sources",
                              "cannot be used with [path] (each frame's Grams are a blend of two "
                              "of path.styles)");
  if (config.path.given)
    config_detail::check_morph_path(top, levels_given, config);
  else if (!config.style_targets.empty())
    config_detail::check_style_targets_match(top.section("style"), levels_given, config);
  else if (config.style_blend_space != BlendSpace::Linear)
    top.section("style").fail("blend_space",
                              "blends kept styles (style.targets); style images are blended "
                              "linearly, as neural-style does");
  config_detail::apply_kept_regions(top, config);
  config_detail::check_regions(top, levels_given, config);
  config_detail::check_layer_sources(top.section("style"), config);
  config.overrides = overrides;
  return config;
}

}  // namespace nsrg
