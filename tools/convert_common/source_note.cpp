// note_file_name and comma_list (see source_note.h).
#include "tools/convert_common/source_note.h"

#include "engine/core/utf8.h"

namespace nsrg {

std::string note_file_name(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return valid_utf8_or_question_marks(slash == std::string::npos ? path : path.substr(slash + 1));
}

std::string comma_list(const std::vector<std::string>& items) {
  std::string text;
  for (size_t i = 0; i < items.size(); ++i) text += (i ? ", " : "") + items[i];
  return text;
}

}  // namespace nsrg
