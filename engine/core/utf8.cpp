// UTF-8 validation (shortest form, no surrogates, at most U+10FFFF).
#include "engine/core/utf8.h"

#include <algorithm>
#include <cstdint>

namespace nsrg {
namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0.
size_t sequence_length(const std::string& text, size_t i) {
  const unsigned char lead = static_cast<unsigned char>(text[i]);
  const size_t length = lead < 0x80           ? 1
                        : (lead >> 5) == 0x6  ? 2
                        : (lead >> 4) == 0xe  ? 3
                        : (lead >> 3) == 0x1e ? 4
                                              : 0;
  if (length == 0 || i + length > text.size()) return 0;
  uint32_t code = length == 1 ? lead : lead & (0x7fu >> length);
  for (size_t k = 1; k < length; ++k) {
    const unsigned char next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xc0) != 0x80) return 0;
    code = code << 6 | (next & 0x3f);
  }
  const uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < smallest[length] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return 0;
  return length;
}

}  // namespace

bool is_valid_utf8(const std::string& text) {
  for (size_t i = 0; i < text.size();) {
    const size_t length = sequence_length(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string valid_utf8_or_question_marks(const std::string& text) {
  std::string result;
  for (size_t i = 0; i < text.size();) {
    const size_t length = sequence_length(text, i);
    if (length == 0) {
      result += '?';
      ++i;
    } else {
      result.append(text, i, length);
      i += length;
    }
  }
  return result;
}

std::string short_quote(const std::string& text, size_t max_bytes) {
  std::string result;
  size_t i = 0;
  while (i < text.size()) {
    const size_t length = std::max<size_t>(sequence_length(text, i), 1);
    if (result.size() + length > max_bytes) break;
    const bool valid = sequence_length(text, i) != 0;
    if (!valid || text[i] == '\n' || text[i] == '\r')
      result += valid ? ' ' : '?';
    else
      result.append(text, i, length);
    i += length;
  }
  if (i < text.size()) result += "...";
  return result;
}

}  // namespace nsrg
