// A hashing file reader (tools/convert_common) as protobuf's stream input, so one pass over
// a large caffemodel both parses and fingerprints it.
#pragma once

#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "tools/convert_common/hashing_file_reader.h"

namespace nsrg {

class HashingFileInput : public google::protobuf::io::CopyingInputStream, public HashingFileReader {
 public:
  using HashingFileReader::HashingFileReader;
  // CopyingInputStream: reads up to `size` bytes; 0 at the end of the file, -1 on an error.
  int Read(void* buffer, int size) override { return read(buffer, size); }
};

}  // namespace nsrg
