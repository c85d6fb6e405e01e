// SHA-256 (FIPS 180-4), incremental: the converter hashes a caffemodel while it reads it,
// so the weights file can name exactly which file it came from.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace nsrg {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t size);
  // The digest as 64 lowercase hex digits. Ends the hash: call once, after the last update.
  std::string finish_hex();

 private:
  void compress(const uint8_t* block);

  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
  bool finished_ = false;
};

// The hash of a byte string, as hex.
std::string sha256_hex(const std::string& bytes);

}  // namespace nsrg
