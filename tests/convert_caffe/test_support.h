// Shared helpers of the convert_caffe tests: where the Caffe fixtures are (and skipping when
// they are absent), a temporary folder per test, and small file utilities.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace nsrg::test {

// NSRG_SHARED_DIR "/fixtures/caffe/<name>".
std::string caffe_fixture(const std::string& name);
bool have_caffe_fixtures();

// A fresh folder under the test temp dir, removed with its contents when destroyed.
class TempFolder {
 public:
  TempFolder();
  ~TempFolder();
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  std::string path(const std::string& name) const { return folder_ + "/" + name; }

 private:
  std::string folder_;
};

std::string read_file_bytes(const std::string& path);
void write_file_bytes(const std::string& path, const std::string& bytes);
bool file_exists(const std::string& path);

}  // namespace nsrg::test

// Skips the current test (visibly) when ../shared/fixtures/caffe is absent.
#define NSRG_SKIP_WITHOUT_CAFFE_FIXTURES()                                              \
  do {                                                                                  \
    if (!::nsrg::test::have_caffe_fixtures())                                           \
      GTEST_SKIP() << "Caffe fixtures not found at " << ::nsrg::test::caffe_fixture("") \
                   << " (they live in the shared/ folder beside the checkout)";         \
  } while (0)
