// SectionReader: typed, range-checked reading of one TOML table of the config file.
// Keys are named by their dotted path ("optimizer.iterations"); every failure is one
// UserError from ConfigErrors. Integers are accepted where numbers are expected; floats
// are not accepted for integers.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/config/config_errors.h"
#include "engine/core/enum_names.h"

namespace nsrg::config_detail {

// One end of an allowed range for a number: none, inclusive (>=, <=) or exclusive (>, <).
struct Bound {
  enum class Kind { None, Inclusive, Exclusive };
  Kind kind = Kind::None;
  double value = 0.0;
};
inline Bound unbounded() {
  return {};
}
inline Bound inclusive(double value) {
  return {Bound::Kind::Inclusive, value};
}
inline Bound exclusive(double value) {
  return {Bound::Kind::Exclusive, value};
}

// "string", "integer", "float", "boolean", "array", "table", "date", "time", "date-time".
std::string toml_type_name(const toml::node& node);

// Fails with "<key>: must be >= 0 (got -1)" (or >, <=, <) when `value` is outside the bounds
// or not finite.
void check_number(const ConfigErrors& errors, const std::string& key, double value, Bound low,
                  Bound high);

// check_number, then `value` as a float; fails when the float is not finite or leaves the
// bounds (1e300, or 1e-50 where the bound is > 0).
float narrow_to_float(const ConfigErrors& errors, const std::string& key, double value, Bound low,
                      Bound high);

class SectionReader {
 public:
  // `table` may be null (an absent section reads as empty); `prefix` is its dotted path
  // ("" for the top level).
  SectionReader(const toml::table* table, std::string prefix, const ConfigErrors& errors);

  // The sub-table `name` (empty when absent); fails when `name` is not a table.
  SectionReader section(const std::string& name) const;
  bool has(const std::string& name) const;
  std::string key(const std::string& name) const;
  const toml::table* table() const { return table_; }
  const std::string& prefix() const { return prefix_; }
  const ConfigErrors& errors() const { return errors_; }
  [[noreturn]] void fail(const std::string& name, const std::string& what) const {
    errors_.fail(key(name), what);
  }

  // Raw typed reads: nullopt when the key is absent, a type error when it has another type.
  std::optional<std::string> get_string(const std::string& name) const;
  std::optional<int64_t> get_integer(const std::string& name) const;
  std::optional<double> get_number(const std::string& name) const;
  std::optional<bool> get_bool(const std::string& name) const;
  std::optional<std::vector<std::string>> get_strings(const std::string& name) const;
  std::optional<std::vector<double>> get_numbers(const std::string& name) const;

  // Field reads: leave `out` unchanged when the key is absent, else check and store it.
  void read_int(const std::string& name, int& out, int64_t min, int64_t max) const;
  void read_float(const std::string& name, float& out, Bound low, Bound high) const;
  void read_bool(const std::string& name, bool& out) const;
  // A string that must be one of `choices`.
  void read_choice(const std::string& name, std::string& out,
                   const std::vector<std::string>& choices) const;
  // A string that must be a name of `table`, stored as its value.
  template <typename Enum, size_t N>
  void read_choice(const std::string& name, Enum& out, const NamedValue<Enum> (&table)[N]) const {
    std::string chosen = name_in(table, out);
    read_choice(name, chosen, names_in(table));
    out = *value_in(table, chosen);
  }
  // A list of distinct, non-empty layer names; non-empty unless `allow_empty`.
  void read_layer_names(const std::string& name, std::vector<std::string>& out,
                        bool allow_empty) const;
  // Exactly two numbers [low, high], each within [element_low, element_high], with
  // low < high (`strictly_increasing`) or low <= high.
  void read_pair(const std::string& name, float& low_out, float& high_out, Bound element_low,
                 Bound element_high, bool strictly_increasing) const;

 private:
  const toml::node* find(const std::string& name) const;
  [[noreturn]] void fail_type(const std::string& key, const char* expected,
                              const toml::node& node) const;

  const toml::table* table_;
  std::string prefix_;
  const ConfigErrors& errors_;
};

}  // namespace nsrg::config_detail
