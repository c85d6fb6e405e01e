// A file read sequentially for protobuf's stream parser that hashes (SHA-256) every byte it
// hands out, so one pass over a large caffemodel both parses and fingerprints it.
#pragma once

#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <cstdint>
#include <string>

#include "weights/sha256.h"

namespace nsrg {

class HashingFileInput : public google::protobuf::io::CopyingInputStream {
 public:
  // Opens `path` for reading; throws UserError("<path>: <why>") when it cannot.
  explicit HashingFileInput(const std::string& path);
  ~HashingFileInput() override;
  HashingFileInput(const HashingFileInput&) = delete;
  HashingFileInput& operator=(const HashingFileInput&) = delete;

  // CopyingInputStream: reads up to `size` bytes; 0 at the end of the file, -1 on an error.
  int Read(void* buffer, int size) override;

  uint64_t file_size() const { return file_size_; }
  uint64_t bytes_read() const { return bytes_read_; }
  // Empty unless a read failed: the system's reason.
  const std::string& read_error() const { return read_error_; }
  // The SHA-256 of every byte read so far, as hex (call once, after the whole file was read).
  std::string finish_sha256() { return hash_.finish_hex(); }

 private:
  int fd_ = -1;
  uint64_t file_size_ = 0;
  uint64_t bytes_read_ = 0;
  std::string read_error_;
  Sha256 hash_;
};

}  // namespace nsrg
