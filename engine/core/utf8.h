// UTF-8 checks for text from untrusted sources (caffemodel strings, config overrides, paths)
// before it goes into JSON metadata, tensor names or error messages.
#pragma once

#include <string>

namespace nsrg {

bool is_valid_utf8(const std::string& text);

// `text` with every byte that is not part of a valid UTF-8 sequence replaced by '?'.
std::string valid_utf8_or_question_marks(const std::string& text);

// Untrusted text for a one-line message: at most `max_bytes` bytes of it (cut at a character
// boundary, "..." added when cut), invalid bytes as '?' and line breaks as spaces.
std::string short_quote(const std::string& text, size_t max_bytes = 80);

}  // namespace nsrg
