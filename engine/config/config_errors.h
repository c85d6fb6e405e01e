// ConfigErrors: builds the one-line UserError messages of the config loader,
// "<config file>: <dotted key>: <what>", marking keys that came from --set.
#pragma once

#include <set>
#include <string>

namespace nsrg::config_detail {

class ConfigErrors {
 public:
  explicit ConfigErrors(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }
  // Remembers that `key` (a dotted path) was set by --set, so messages about it, about keys
  // below it or about the tables above it say so.
  void mark_overridden(const std::string& key) { overridden_.insert(key); }

  // Throws UserError("<file>: <key>: <what>").
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;
  // Throws UserError("<file>: unknown key \"<key>\"").
  [[noreturn]] void fail_unknown_key(const std::string& key) const;

 private:
  std::string origin_note(const std::string& key) const;

  std::string file_;
  std::set<std::string> overridden_;
};

}  // namespace nsrg::config_detail
