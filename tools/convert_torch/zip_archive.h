// A zip file opened read-only with libzip (RAII): entry names, sizes and whole-entry reads,
// each failure a UserError naming the file and the entry.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct zip;

namespace nsrg {

class ZipArchive {
 public:
  // Throws UserError("<path>: not a zip file ..." / "... is damaged: <libzip's reason>").
  explicit ZipArchive(const std::string& path);
  ~ZipArchive();
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  const std::string& path() const { return path_; }
  std::vector<std::string> names() const;
  bool contains(const std::string& name) const;
  // The entry's uncompressed size; UserError when there is no such entry.
  uint64_t size(const std::string& name) const;
  // The whole entry, which must hold exactly `expected_size` bytes (and at most
  // `max_size` when `expected_size` is unknown, i.e. UINT64_MAX). CRC-checked by libzip.
  std::vector<uint8_t> read(const std::string& name, uint64_t expected_size,
                            uint64_t max_size = UINT64_MAX) const;

 private:
  int64_t index_of(const std::string& name) const;
  std::string path_;
  uint64_t file_size_ = 0;
  struct zip* archive_ = nullptr;
};

}  // namespace nsrg
