// config_to_json: the resolved RenderConfig as JSON with the TOML file's sections and keys
// (those of config_fields.h, written by JsonVisitor), for the render summary file.
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "engine/config/config.h"
#include "engine/config/config_fields.h"

namespace nsrg {
namespace {

using config_detail::Bound;
using config_detail::FileList;

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

// The config_fields.h visitor that writes each key's resolved value into a JSON object.
class JsonVisitor {
 public:
  explicit JsonVisitor(nlohmann::json& out) : out_(out) {}

  template <typename Enum, size_t N>
  void choice(const std::string& key, const Enum& value, const NamedValue<Enum> (&names)[N]) {
    out_[key] = name_in(names, value);
  }
  template <typename T>
  void integer(const std::string& key, const T& value, int64_t, int64_t, const std::string& = "") {
    out_[key] = value;
  }
  template <typename T>
  void required_integer(const std::string& key, const T& value, int64_t, int64_t, const char*) {
    out_[key] = value;
  }
  template <typename T>
  void integer_or_auto(const std::string& key, const T& value, int64_t, int64_t, T auto_value) {
    if (value == auto_value)
      out_[key] = "auto";
    else
      out_[key] = value;
  }
  void number(const std::string& key, float value, Bound, Bound, float = 0) {
    out_[key] = shortest_decimal(value);
  }
  void boolean(const std::string& key, bool value) { out_[key] = value; }
  // Only when true: the summaries of runs without it stay as they were.
  void kept_style_flag(const std::string& key, bool value, bool) {
    if (value) out_[key] = value;
  }
  void layers(const std::string& key, const std::vector<std::string>& names, bool) {
    out_[key] = names;
  }
  void range(const std::string& key, float lo, float hi, Bound, Bound, bool) {
    out_[key] = numbers({lo, hi});
  }
  void input_file(const std::string& key, const std::string& path, const char*) {
    out_[key] = path;
  }
  void input_files(const std::string& key, const std::vector<std::string>& paths, FileList use) {
    if (paths.empty() && use == FileList::OptionalOmittedWhenEmpty) return;
    out_[key] = paths;
  }
  // One file as a string ("" for none), as before lists were accepted; several as a list.
  void input_file_list(const std::string& key, const std::vector<std::string>& paths, size_t) {
    if (paths.size() > 1)
      out_[key] = paths;
    else
      out_[key] = paths.empty() ? std::string() : paths.front();
  }
  void blend_weights(const std::string& key, const std::vector<float>& weights, size_t,
                     const char*) {
    out_[key] = numbers(weights);
  }
  void model(const std::string& key, const std::string& name) { out_[key] = name; }
  void output_image(const std::string& key, const std::string& path) { out_[key] = path; }
  void output_folder(const std::string&, const std::string&) {}
  // Another command's settings are no part of the render (nor of its config hash).
  template <typename Visit>
  void command_section(const std::string&, Visit) {}

  template <typename Visit>
  void section(const std::string& key, Visit visit) {
    nlohmann::json inner = nlohmann::json::object();
    JsonVisitor writer(inner);
    visit(writer);
    out_[key] = inner;
  }
  // Written only when the file had the table.
  template <typename Visit>
  void optional_section(const std::string& key, bool present, Visit visit) {
    if (present) section(key, visit);
  }
  template <typename Settings, typename Visit>
  void named_tables(const std::string& key, std::map<std::string, Settings>& tables,
                    const Settings&, Visit visit) {
    nlohmann::json all = nlohmann::json::object();
    for (auto& [name, settings] : tables) {
      JsonVisitor writer(all[name]);
      visit(writer, settings);
    }
    out_[key] = all;
  }
  // Written only when there are tables.
  template <typename Settings, typename Visit>
  void optional_named_tables(const std::string& key, std::map<std::string, Settings>& tables,
                             const Settings& base, Visit visit) {
    if (!tables.empty()) named_tables(key, tables, base, visit);
  }
  // Written only when the file had [[stages]] tables.
  template <typename Visit>
  void stages(const std::string& key, std::vector<Stage>& stages, bool from_tables, const Stage&,
              Visit visit) {
    if (from_tables) write_tables(key, stages, visit);
  }
  // Written only when there are entries.
  template <typename Entry, typename Visit>
  void table_array(const std::string& key, std::vector<Entry>& entries, size_t, Visit visit) {
    if (!entries.empty()) write_tables(key, entries, visit);
  }

 private:
  template <typename Entry, typename Visit>
  void write_tables(const std::string& key, std::vector<Entry>& entries, Visit visit) {
    nlohmann::json array = nlohmann::json::array();
    for (Entry& entry : entries) {
      nlohmann::json table = nlohmann::json::object();
      JsonVisitor writer(table);
      visit(writer, entry);
      array.push_back(table);
    }
    out_[key] = array;
  }

  nlohmann::json& out_;
};

}  // namespace

nlohmann::json config_to_json(const RenderConfig& config) {
  nlohmann::json json = nlohmann::json::object();
  JsonVisitor writer(json);
  RenderConfig copy = config;  // the visit functions take the fields by reference
  config_detail::visit_config(writer, copy);
  return json;
}

}  // namespace nsrg
