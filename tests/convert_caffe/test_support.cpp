// convert_caffe test helpers: fixture paths, temporary folders, file bytes.
#include "test_support.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace nsrg::test {

std::string caffe_fixture(const std::string& name) {
  return std::string(NSRG_SHARED_DIR) + "/fixtures/caffe/" + name;
}

bool have_caffe_fixtures() {
  return std::filesystem::exists(caffe_fixture("MANIFEST.md"));
}

TempFolder::TempFolder() {
  std::string pattern = ::testing::TempDir() + "nsrg_convert_caffe_XXXXXX";
  char* made = ::mkdtemp(pattern.data());
  if (made == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
  folder_ = made;
}

TempFolder::~TempFolder() {
  std::error_code ignored;
  std::filesystem::remove_all(folder_, ignored);
}

std::string read_file_bytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot read " + path);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

void write_file_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(bytes.data(), std::streamsize(bytes.size()));
  if (!file) throw std::runtime_error("cannot write " + path);
}

bool file_exists(const std::string& path) {
  return std::filesystem::exists(path);
}

}  // namespace nsrg::test
