// A file read sequentially that hashes (SHA-256) every byte it hands out, so a converter
// makes one pass over a large model file to both parse and fingerprint it; and a whole
// file's fingerprint read the same way, for a converter whose parser reads elsewhere.
#pragma once

#include <cstdint>
#include <string>

#include "weights/sha256.h"

namespace nsrg {

class HashingFileReader {
 public:
  // Opens `path` for reading; throws UserError("<path>: <why>") when it cannot or when it
  // is not a regular file.
  explicit HashingFileReader(const std::string& path);
  ~HashingFileReader();
  HashingFileReader(const HashingFileReader&) = delete;
  HashingFileReader& operator=(const HashingFileReader&) = delete;

  // Reads up to `size` bytes into `buffer`: the count, 0 at the end of the file, -1 on an
  // error (then read_error() says why).
  int read(void* buffer, int size);

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

// A file's size and SHA-256 (hex), as the source note names the converted file.
struct FileFingerprint {
  uint64_t size = 0;
  std::string sha256;
};

// Reads all of `path` through a HashingFileReader. UserError("<path>: <why>") when it cannot
// be opened, is not a regular file or a read fails.
FileFingerprint fingerprint_file(const std::string& path);

}  // namespace nsrg
