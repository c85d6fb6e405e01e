// joined(): a list of words as one line of text ("a, b, c"), for messages, notes and headers.
#pragma once

#include <string>
#include <vector>

namespace nsrg {

inline std::string joined(const std::vector<std::string>& items,
                          const std::string& separator = ", ") {
  std::string text;
  for (size_t i = 0; i < items.size(); ++i) text += (i ? separator : std::string()) + items[i];
  return text;
}

}  // namespace nsrg
