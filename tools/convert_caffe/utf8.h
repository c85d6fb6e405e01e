// UTF-8 checks for text taken from a caffemodel (proto2 strings are not validated when
// parsed) before it goes into JSON metadata or tensor names.
#pragma once

#include <string>

namespace nsrg {

bool is_valid_utf8(const std::string& text);

// `text` with every byte that is not part of a valid UTF-8 sequence replaced by '?'.
std::string valid_utf8_or_question_marks(const std::string& text);

}  // namespace nsrg
