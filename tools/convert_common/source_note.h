// The piece of the nsrg.source note every weights converter writes: the input's file name.
#pragma once

#include <string>
#include <vector>

namespace nsrg {

// The file name of `path` without its folders, invalid UTF-8 bytes as '?' (the note is JSON
// text): "models/vgg19.caffemodel" -> "vgg19.caffemodel".
std::string note_file_name(const std::string& path);

}  // namespace nsrg
