// SectionReader: typed, range-checked reading of one TOML table of the config file.
#include "engine/config/config_reader.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "engine/core/error.h"
#include "engine/core/text_list.h"

namespace nsrg::config_detail {
namespace {

std::string format_number(double value) {
  std::ostringstream out;
  out.precision(10);
  out << value;
  return out.str();
}

// "must be >= 0" etc. when `value` violates `bound` on the `is_low` side, else "".
std::string bound_violation(double value, Bound bound, bool is_low) {
  if (bound.kind == Bound::Kind::None) return "";
  const bool inclusive = bound.kind == Bound::Kind::Inclusive;
  bool ok = is_low ? (inclusive ? value >= bound.value : value > bound.value)
                   : (inclusive ? value <= bound.value : value < bound.value);
  if (ok) return "";
  const char* op = is_low ? (inclusive ? ">=" : ">") : (inclusive ? "<=" : "<");
  return msg("must be ", op, " ", format_number(bound.value));
}

}  // namespace

std::string toml_type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "string";
    case toml::node_type::integer:
      return "integer";
    case toml::node_type::floating_point:
      return "float";
    case toml::node_type::boolean:
      return "boolean";
    case toml::node_type::array:
      return "array";
    case toml::node_type::table:
      return "table";
    case toml::node_type::date:
      return "date";
    case toml::node_type::time:
      return "time";
    case toml::node_type::date_time:
      return "date-time";
    default:
      return "nothing";
  }
}

void check_number(const ConfigErrors& errors, const std::string& key, double value, Bound low,
                  Bound high) {
  if (!std::isfinite(value)) errors.fail(key, msg("must be a finite number (got ", value, ")"));
  for (bool is_low : {true, false}) {
    std::string violation = bound_violation(value, is_low ? low : high, is_low);
    if (!violation.empty()) errors.fail(key, msg(violation, " (got ", format_number(value), ")"));
  }
}

float narrow_to_float(const ConfigErrors& errors, const std::string& key, double value, Bound low,
                      Bound high) {
  check_number(errors, key, value, low, high);
  const float narrowed = static_cast<float>(value);
  if (!std::isfinite(narrowed) || !bound_violation(narrowed, low, true).empty() ||
      !bound_violation(narrowed, high, false).empty())
    errors.fail(key, msg("cannot be stored as a 32-bit float (got ", format_number(value), ")"));
  return narrowed;
}

SectionReader::SectionReader(const toml::table* table, std::string prefix,
                             const ConfigErrors& errors)
    : table_(table), prefix_(std::move(prefix)), errors_(errors) {}

std::string SectionReader::key(const std::string& name) const {
  return prefix_.empty() ? name : prefix_ + "." + name;
}

const toml::node* SectionReader::find(const std::string& name) const {
  return table_ ? table_->get(name) : nullptr;
}

bool SectionReader::has(const std::string& name) const {
  return find(name) != nullptr;
}

void SectionReader::fail_type(const std::string& key, const char* expected,
                              const toml::node& node) const {
  errors_.fail(key, msg("expected ", expected, ", got ", toml_type_name(node)));
}

SectionReader SectionReader::section(const std::string& name) const {
  const toml::node* node = find(name);
  if (node && !node->is_table()) fail_type(key(name), "a table", *node);
  return SectionReader(node ? node->as_table() : nullptr, key(name), errors_);
}

std::optional<std::string> SectionReader::get_string(const std::string& name) const {
  const toml::node* node = find(name);
  if (!node) return std::nullopt;
  if (!node->is_string()) fail_type(key(name), "a string", *node);
  return node->as_string()->get();
}

std::optional<int64_t> SectionReader::get_integer(const std::string& name) const {
  const toml::node* node = find(name);
  if (!node) return std::nullopt;
  if (!node->is_integer()) fail_type(key(name), "an integer", *node);
  return node->as_integer()->get();
}

std::optional<double> SectionReader::get_number(const std::string& name) const {
  const toml::node* node = find(name);
  if (!node) return std::nullopt;
  if (node->is_integer()) return static_cast<double>(node->as_integer()->get());
  if (!node->is_floating_point()) fail_type(key(name), "a number", *node);
  return node->as_floating_point()->get();
}

std::optional<bool> SectionReader::get_bool(const std::string& name) const {
  const toml::node* node = find(name);
  if (!node) return std::nullopt;
  if (!node->is_boolean()) fail_type(key(name), "a boolean", *node);
  return node->as_boolean()->get();
}

std::optional<std::vector<std::string>> SectionReader::get_strings(const std::string& name) const {
  const toml::node* node = find(name);
  if (!node) return std::nullopt;
  if (!node->is_array()) fail_type(key(name), "an array of strings", *node);
  std::vector<std::string> values;
  const toml::array& array = *node->as_array();
  for (size_t i = 0; i < array.size(); ++i) {
    if (!array[i].is_string()) fail_type(msg(key(name), "[", i, "]"), "a string", array[i]);
    values.push_back(array[i].as_string()->get());
  }
  return values;
}

std::optional<std::vector<double>> SectionReader::get_numbers(const std::string& name) const {
  const toml::node* node = find(name);
  if (!node) return std::nullopt;
  if (!node->is_array()) fail_type(key(name), "an array of numbers", *node);
  std::vector<double> values;
  const toml::array& array = *node->as_array();
  for (size_t i = 0; i < array.size(); ++i) {
    if (array[i].is_integer()) {
      values.push_back(static_cast<double>(array[i].as_integer()->get()));
    } else if (array[i].is_floating_point()) {
      values.push_back(array[i].as_floating_point()->get());
    } else {
      fail_type(msg(key(name), "[", i, "]"), "a number", array[i]);
    }
  }
  return values;
}

void SectionReader::read_int(const std::string& name, int& out, int64_t min, int64_t max) const {
  std::optional<int64_t> value = get_integer(name);
  if (!value) return;
  if (*value < min) fail(name, msg("must be >= ", min, " (got ", *value, ")"));
  if (*value > max) fail(name, msg("must be <= ", max, " (got ", *value, ")"));
  out = static_cast<int>(*value);
}

void SectionReader::read_float(const std::string& name, float& out, Bound low, Bound high) const {
  std::optional<double> value = get_number(name);
  if (!value) return;
  out = narrow_to_float(errors_, key(name), *value, low, high);
}

void SectionReader::read_bool(const std::string& name, bool& out) const {
  if (std::optional<bool> value = get_bool(name)) out = *value;
}

void SectionReader::read_choice(const std::string& name, std::string& out,
                                const std::vector<std::string>& choices) const {
  std::optional<std::string> value = get_string(name);
  if (!value) return;
  if (std::find(choices.begin(), choices.end(), *value) == choices.end())
    fail(name, msg("must be one of ", joined(choices), " (got \"", *value, "\")"));
  out = *value;
}

void SectionReader::read_layer_names(const std::string& name, std::vector<std::string>& out,
                                     bool allow_empty) const {
  std::optional<std::vector<std::string>> names = get_strings(name);
  if (!names) return;
  if (names->empty() && !allow_empty) fail(name, "must name at least one layer");
  for (size_t i = 0; i < names->size(); ++i) {
    const std::string& layer = (*names)[i];
    if (layer.empty()) errors_.fail(msg(key(name), "[", i, "]"), "empty layer name");
    if (std::find(names->begin(), names->begin() + i, layer) != names->begin() + i)
      fail(name, msg("duplicate layer \"", layer, "\""));
  }
  out = *names;
}

void SectionReader::read_pair(const std::string& name, float& low_out, float& high_out,
                              Bound element_low, Bound element_high,
                              bool strictly_increasing) const {
  std::optional<std::vector<double>> values = get_numbers(name);
  if (!values) return;
  if (values->size() != 2) fail(name, msg("expected 2 numbers [low, high], got ", values->size()));
  float pair[2];
  for (int i = 0; i < 2; ++i)
    pair[i] = narrow_to_float(errors_, msg(key(name), "[", i, "]"), (*values)[i], element_low,
                              element_high);
  const bool ordered = strictly_increasing ? pair[0] < pair[1] : pair[0] <= pair[1];
  if (!ordered)
    fail(name, msg("low must be ", strictly_increasing ? "< " : "<= ", "high (got [",
                   format_number(pair[0]), ", ", format_number(pair[1]), "])"));
  low_out = pair[0];
  high_out = pair[1];
}

}  // namespace nsrg::config_detail
