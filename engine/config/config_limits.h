// Limits on config text checked before toml++ sees it: the parser and the tables it builds
// recurse once per dotted key part, so a key of 50,000 parts overflows the stack.
#pragma once

#include <cstddef>
#include <string>

namespace nsrg::config_detail {

// A config file is a few kilobytes; 1 MiB leaves room for long comments.
constexpr size_t kMaxConfigBytes = size_t(1) << 20;
// The deepest key of the schema has 4 parts (randomize.layers.<name>.mode).
constexpr size_t kMaxKeyParts = 16;

// Throws UserError("<path>:<line>: ...") when `text` is larger than kMaxConfigBytes or holds
// a dotted key or table header of more than kMaxKeyParts parts. Strings and comments are
// skipped; the TOML syntax itself is left to the parser.
void check_config_text(const std::string& text, const std::string& path);

}  // namespace nsrg::config_detail
