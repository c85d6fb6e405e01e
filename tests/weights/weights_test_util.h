// Helpers for the weights tests: a temporary folder, hand-made safetensors bytes, catching a
// UserError's message, a lineage reader's refusal, and the metadata of a one-layer style
// targets file.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "engine/core/error.h"
#include "weights/style_targets_file.h"

namespace nsrg::test {

// A fresh folder under the system temporary folder, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "nsrg-weights-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), std::streamsize(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The 8-byte little-endian length `header_length` (the header's size unless given).
inline std::string length_prefix(uint64_t header_length) {
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i) bytes[size_t(i)] = char(uint8_t(header_length >> (8 * i)));
  return bytes;
}

// A safetensors file made by hand: length prefix, header text, data bytes.
inline std::string safetensors_bytes(const std::string& header, const std::string& data) {
  return length_prefix(header.size()) + header + data;
}

// The message of the UserError `action` throws ("" and a test failure when it throws none).
template <typename Action>
std::string user_error_of(Action&& action) {
  try {
    action();
  } catch (const UserError& error) {
    return error.what();
  }
  ADD_FAILURE() << "expected a UserError";
  return "";
}

// The message parse_lineage refuses `text` with, as nsrg.lineage of kept.style.safetensors
// ("" when it reads the text); a test failure when the message is not one line.
inline std::string lineage_parse_error(const std::string& text) {
  try {
    parse_lineage("kept.style.safetensors", text);
  } catch (const UserError& error) {
    EXPECT_EQ(std::string(error.what()).find('\n'), std::string::npos) << error.what();
    return error.what();
  }
  return "";
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A style targets file's metadata for one un-randomized layer, relu1_1 (a [C, C] Gram of
// any C), variant a, measured at 64 px.
inline StyleTargetsInfo one_layer_targets_info() {
  StyleTargetsInfo info;
  info.model = "builtin:vgg19-random";
  info.layers = {"relu1_1"};
  info.randomization = {{"relu1_1", RandomizeSettings{}}};
  info.variant = "a";
  info.image_size = 64;
  info.levels = "minmax";
  return info;
}

}  // namespace nsrg::test
