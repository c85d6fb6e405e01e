// The pre-parse scan of config text: size and dotted-key depth.
#include "engine/config/config_limits.h"

#include "engine/core/error.h"

namespace nsrg::config_detail {
namespace {

// Where the scanner is: outside strings, in a comment, or in one of TOML's four strings.
enum class Context { Plain, Comment, Basic, Literal, MultiBasic, MultiLiteral };

bool starts_with(const std::string& text, size_t i, const char* token) {
  return text.compare(i, 3, token) == 0;
}

}  // namespace

void check_config_text(const std::string& text, const std::string& path) {
  if (text.size() > kMaxConfigBytes)
    throw UserError(msg(path, ": config file is too large (", text.size(), " bytes; at most ",
                        kMaxConfigBytes, ")"));
  Context context = Context::Plain;
  size_t line = 1;
  size_t dots = 0;  // dots outside strings since the last = , { } [ ] or line end
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') ++line;
    switch (context) {
      case Context::Plain:
        if (c == '.' && ++dots >= kMaxKeyParts)
          throw UserError(msg(path, ":", line, ": a key has more than ", kMaxKeyParts,
                              " dotted parts (config keys have at most 4)"));
        if (c == '\n' || c == '=' || c == ',' || c == '{' || c == '}' || c == '[' || c == ']')
          dots = 0;
        if (c == '#') context = Context::Comment;
        if (c == '"')
          context = starts_with(text, i, "\"\"\"") ? Context::MultiBasic : Context::Basic;
        if (c == '\'')
          context = starts_with(text, i, "'''") ? Context::MultiLiteral : Context::Literal;
        if (context == Context::MultiBasic || context == Context::MultiLiteral) i += 2;
        break;
      case Context::Comment:
        if (c == '\n') context = Context::Plain, dots = 0;
        break;
      case Context::Basic:
        if (c == '\\' && i + 1 < text.size() && text[i + 1] != '\n') ++i;
        if (c == '"' || c == '\n') context = Context::Plain;
        break;
      case Context::Literal:
        if (c == '\'' || c == '\n') context = Context::Plain;
        break;
      case Context::MultiBasic:
        if (c == '\\' && i + 1 < text.size() && text[i + 1] != '\n') {
          ++i;
        } else if (starts_with(text, i, "\"\"\"")) {
          context = Context::Plain;
          i += 2;
        }
        break;
      case Context::MultiLiteral:
        if (starts_with(text, i, "'''")) {
          context = Context::Plain;
          i += 2;
        }
        break;
    }
  }
}

}  // namespace nsrg::config_detail
