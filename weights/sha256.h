// SHA-256, incremental, on OpenSSL's EVP digest API: the converter hashes a caffemodel while
// it reads it, so the weights file can name exactly which file it came from; a style targets
// file names its style images and model by their hashes.
#pragma once

#include <memory>
#include <string>

namespace nsrg {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, size_t size);
  // The digest as 64 lowercase hex digits. Ends the hash: call once, after the last update.
  std::string finish_hex();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
  bool finished_ = false;
};

// The hash of a byte string, as hex.
std::string sha256_hex(const std::string& bytes);

// The hash of a file's contents, as hex, read in pieces. UserError naming the file when it
// cannot be read.
std::string sha256_file_hex(const std::string& path);

}  // namespace nsrg
