// One table of names per named enum (the configuration's choices, backend kinds, ...):
// an array of {value, name} pairs next to the enum, and the look-ups both ways, so every
// name is spelled once and strings become enums where they are read.
#pragma once

#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace nsrg {

template <typename Enum>
struct NamedValue {
  Enum value;
  const char* name;
};

// The name of `value` in `table`, or nullptr when the table lacks it.
template <typename Enum, size_t N>
const char* name_in(const NamedValue<Enum> (&table)[N], Enum value) {
  for (const NamedValue<Enum>& entry : table)
    if (entry.value == value) return entry.name;
  return nullptr;
}

// The value named `name` in `table`, or nullopt.
template <typename Enum, size_t N>
std::optional<Enum> value_in(const NamedValue<Enum> (&table)[N], const std::string& name) {
  for (const NamedValue<Enum>& entry : table)
    if (name == entry.name) return entry.value;
  return std::nullopt;
}

// Every name of `table`, in its order.
template <typename Enum, size_t N>
std::vector<std::string> names_in(const NamedValue<Enum> (&table)[N]) {
  std::vector<std::string> names;
  for (const NamedValue<Enum>& entry : table) names.emplace_back(entry.name);
  return names;
}

// The names joined with ", " (for messages).
template <typename Enum, size_t N>
std::string joined_names(const NamedValue<Enum> (&table)[N]) {
  std::string joined;
  for (const NamedValue<Enum>& entry : table) {
    if (!joined.empty()) joined += ", ";
    joined += entry.name;
  }
  return joined;
}

}  // namespace nsrg
