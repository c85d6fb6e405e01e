// ConfigErrors: the config loader's one-line error messages.
#include "engine/config/config_errors.h"

#include "engine/core/error.h"

namespace nsrg::config_detail {
namespace {

// Messages are one line even when a value (a string from the file) holds a line break.
std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  return text;
}

// True when `key` is `prefix` or lies below it ("a.b" is below "a"; "a.b[0]" below "a.b").
bool is_at_or_below(const std::string& key, const std::string& prefix) {
  if (key.compare(0, prefix.size(), prefix) != 0) return false;
  return key.size() == prefix.size() || key[prefix.size()] == '.' || key[prefix.size()] == '[';
}

}  // namespace

std::string ConfigErrors::origin_note(const std::string& key) const {
  for (const std::string& overridden : overridden_)
    if (is_at_or_below(key, overridden) || is_at_or_below(overridden, key)) return " (from --set)";
  return "";
}

void ConfigErrors::fail(const std::string& key, const std::string& what) const {
  throw UserError(one_line(msg(file_, ": ", key, ": ", what, origin_note(key))));
}

void ConfigErrors::fail_unknown_key(const std::string& key) const {
  throw UserError(one_line(msg(file_, ": unknown key \"", key, "\"", origin_note(key))));
}

}  // namespace nsrg::config_detail
