// A Caffe network as the converter sees it: its layers in file order, every layer in the
// current (`layer`, string type) form whatever format the file used, and where it came from.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "caffe_subset.pb.h"

namespace nsrg {

enum class CaffeFormat {
  LegacyV1,  // NetParameter.layers (field 2): V1LayerParameter, enum types, 4-D blob dims
  Current,   // NetParameter.layer (field 100): LayerParameter, string types, BlobShape
};

const char* caffe_format_name(CaffeFormat format);  // "legacy V1" or "current"

struct CaffeNet {
  std::string path;  // the file it was read from (names it in messages)
  uint64_t file_size = 0;
  std::string sha256;  // hex; empty for a prototxt
  std::string name;    // NetParameter.name
  CaffeFormat format = CaffeFormat::Current;
  std::vector<caffe::LayerParameter> layers;
};

}  // namespace nsrg
