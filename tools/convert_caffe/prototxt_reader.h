// Reading a network definition (.prototxt, protobuf text format) in either layer format.
// The converter uses it only to complete layer parameters a caffemodel lacks.
#pragma once

#include <string>

#include "tools/convert_caffe/caffe_net.h"

namespace nsrg {

// Parses `path` with fields unknown to our schema skipped; V1 layers are upgraded to the
// current form. Throws UserError("<path>: <line:column>: <reason>") for a missing or
// malformed file.
CaffeNet read_prototxt(const std::string& path);

}  // namespace nsrg
