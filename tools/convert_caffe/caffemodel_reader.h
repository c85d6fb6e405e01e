// Reading a binary .caffemodel (a serialized NetParameter) from a file stream, layer by
// layer: memory stays near the size of the blobs kept, the file is hashed while it is read,
// and lengths are checked against the bytes left so truncated or corrupt files are rejected.
#pragma once

#include <string>

#include "tools/convert_caffe/caffe_net.h"

namespace nsrg {

struct CaffemodelReadOptions {
  // Blobs of Convolution layers are always kept; those of InnerProduct layers only when this
  // is set; the blobs of every other layer are skipped while reading.
  bool keep_inner_product_blobs = false;
};

// Reads both formats (legacy V1 `layers` and current `layer`), float or double data, packed
// or not; unknown fields are skipped. Blobs stored as double are converted to float. Throws
// UserError("<path>: <reason>") for a missing, empty, truncated, corrupt or non-Caffe file.
CaffeNet read_caffemodel(const std::string& path, const CaffemodelReadOptions& options = {});

}  // namespace nsrg
