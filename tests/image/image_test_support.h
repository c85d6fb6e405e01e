// Shared helpers of the image tests: a per-test temporary folder, file byte access, a
// raw PNG/JPEG writer on libpng/libjpeg (to produce variants write_image never makes) and
// an assertion that a call throws UserError whose message starts with a path.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "engine/image/image.h"

namespace nsrg::test {

// A fresh folder under the system temp folder, removed with everything in it at the end.
class TempFolder {
 public:
  TempFolder();
  ~TempFolder();
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }
  // Names of the entries in the folder, sorted.
  std::vector<std::string> entries() const;

 private:
  std::filesystem::path path_;
};

std::string read_bytes(const std::string& path);
void write_bytes(const std::string& path, const std::string& bytes);

// An image with smooth, distinct, deterministic content in [0,1].
Image make_test_image(int width, int height);

// Samples for a raw PNG: `sample(x, y, channel)` gives each stored value (< 2^bit_depth;
// palette indices for palette images) for as many channels as the colour type has.
struct RawPng {
  int width = 0, height = 0;
  int color_type = 0;  // PNG_COLOR_TYPE_*
  int bit_depth = 8;
  bool interlaced = false;
  std::vector<std::array<unsigned char, 3>> palette;  // for PNG_COLOR_TYPE_PALETTE
  std::function<int(int x, int y, int channel)> sample;
};
// Writes with libpng directly; returns false (and fails the test) on a libpng error.
bool write_raw_png(const std::string& path, const RawPng& png);

// Writes a JPEG with libjpeg directly: 1 (gray) or 3 (RGB) components, bytes interleaved.
bool write_raw_jpeg(const std::string& path, int width, int height, int components,
                    const std::vector<unsigned char>& pixels, bool progressive, int quality);

// PNG chunk CRC (ISO 3309), for forging headers.
uint32_t png_crc(const std::string& type_and_data);

}  // namespace nsrg::test

// Expects `statement` to throw nsrg::UserError with a message starting with `path` + ":".
#define EXPECT_USER_ERROR_FOR_PATH(statement, path)                                       \
  do {                                                                                    \
    try {                                                                                 \
      statement;                                                                          \
      ADD_FAILURE() << "no UserError from " #statement;                                   \
    } catch (const ::nsrg::UserError& error) {                                            \
      const std::string message = error.what();                                           \
      EXPECT_EQ(message.rfind(std::string(path) + ": ", 0), 0u) << message;               \
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;                        \
    } catch (const std::exception& error) {                                               \
      ADD_FAILURE() << "unexpected exception type from " #statement ": " << error.what(); \
    }                                                                                     \
  } while (0)
