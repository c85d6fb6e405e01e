// Pieces of the nsrg.source note every weights converter writes: the input's file name and
// lists of layer or tensor names.
#pragma once

#include <string>
#include <vector>

namespace nsrg {

// The file name of `path` without its folders, invalid UTF-8 bytes as '?' (the note is JSON
// text): "models/vgg19.caffemodel" -> "vgg19.caffemodel".
std::string note_file_name(const std::string& path);

// The items joined by ", ": {"fc6", "fc7"} -> "fc6, fc7"; "" for none.
std::string comma_list(const std::vector<std::string>& items);

}  // namespace nsrg
