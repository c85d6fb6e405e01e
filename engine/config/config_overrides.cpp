// --set overrides applied to the parsed TOML tree.
#include "engine/config/config_overrides.h"

#include <algorithm>
#include <vector>

#include "engine/config/config_limits.h"
#include "engine/core/error.h"
#include "engine/core/utf8.h"

namespace nsrg::config_detail {
namespace {

// Throws UserError("--set <assignment>: <what>") on one line.
[[noreturn]] void fail_assignment(const std::string& assignment, const std::string& what) {
  std::string message = msg("--set ", short_quote(assignment), ": ", what);
  std::replace(message.begin(), message.end(), '\n', ' ');
  std::replace(message.begin(), message.end(), '\r', ' ');
  throw UserError(message);
}

std::string trim(const std::string& text) {
  const char* space = " \t\r\n";
  size_t begin = text.find_first_not_of(space);
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(space) - begin + 1);
}

bool is_bare_key(const std::string& part) {
  if (part.empty()) return false;
  for (char c : part)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-'))
      return false;
  return true;
}

// Splits "a.b.c" into bare-key parts; empty when any part is not a bare key.
std::vector<std::string> split_dotted_key(const std::string& key) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = key.find('.', start);
    std::string part = key.substr(start, dot == std::string::npos ? dot : dot - start);
    if (!is_bare_key(part)) return {};
    parts.push_back(part);
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

// The TOML value `text` denotes, or a string holding `text` when it is not one TOML value.
// Text that starts like an array, inline table or quoted string must parse, so a typo such
// as style.layers=[relu3_3] is reported instead of becoming a string.
toml::table parse_value(const std::string& assignment, const std::string& text) {
  toml::table parsed;
  const std::string document = "value = " + text;
  try {
    check_config_text(document, "--set value");
  } catch (const UserError& error) {
    fail_assignment(assignment, error.what());
  }
  try {
    parsed = toml::parse(document);
  } catch (const toml::parse_error& error) {
    if (!text.empty() && std::string("[{\"'").find(text[0]) != std::string::npos) {
      fail_assignment(assignment, msg("the value is not valid TOML (", error.description(),
                                      "); quote strings, e.g. [\"relu3_3\"]"));
    }
    parsed = toml::table();
  }
  if (parsed.size() != 1 || !parsed.contains("value")) {
    parsed = toml::table();
    parsed.insert("value", text);
  }
  return parsed;
}

}  // namespace

std::string apply_override(toml::table& root, const std::string& assignment) {
  if (!is_valid_utf8(assignment))
    fail_assignment(assignment, "not valid UTF-8 text (config values and paths must be UTF-8)");
  const size_t equals = assignment.find('=');
  const std::string key = trim(assignment.substr(0, equals));
  const std::vector<std::string> parts = split_dotted_key(key);
  if (equals == std::string::npos || parts.empty())
    fail_assignment(assignment, "expected section.key=VALUE");
  if (parts.size() > kMaxKeyParts)
    fail_assignment(assignment,
                    msg("the key has ", parts.size(), " parts (at most ", kMaxKeyParts, ")"));

  toml::table* table = &root;
  std::string path;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    path += (i ? "." : "") + parts[i];
    toml::node* node = table->get(parts[i]);
    if (!node) node = &table->insert(parts[i], toml::table()).first->second;
    if (!node->is_table()) fail_assignment(assignment, path + " is not a table");
    table = node->as_table();
  }
  toml::table parsed = parse_value(assignment, trim(assignment.substr(equals + 1)));
  table->insert_or_assign(parts.back(), std::move(*parsed.get("value")));
  return key;
}

}  // namespace nsrg::config_detail
