// Untrusted input: missing, empty, truncated, corrupt, mislabelled and forged files must
// each give one UserError starting with the path, and random damage must never crash.
#include <cstdint>
#include <random>

#include "engine/core/error.h"
#include "engine/image/image.h"
#include "tests/image/image_test_support.h"

namespace nsrg {
namespace {

std::string big_endian32(uint32_t value) {
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((value >> (24 - 8 * i)) & 0xFF);
  return out;
}

std::string png_chunk(const std::string& type, const std::string& data) {
  return big_endian32(static_cast<uint32_t>(data.size())) + type + data +
         big_endian32(test::png_crc(type + data));
}

// A PNG signature, a valid IHDR chunk claiming width x height and a junk IDAT chunk.
std::string forged_png_header(uint32_t width, uint32_t height) {
  const std::string signature("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr = big_endian32(width) + big_endian32(height);
  ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB, deflate, filter 0, no interlace
  // png_read_info stops at the first IDAT; its (bogus) content is never reached.
  return signature + png_chunk("IHDR", ihdr) + png_chunk("IDAT", std::string(16, 'x'));
}

std::string valid_file(const test::TempFolder& folder, const std::string& name) {
  const std::string path = folder.file(name);
  write_image(path, test::make_test_image(48, 32));
  return test::read_bytes(path);
}

TEST(ReadErrors, MissingFile) {
  test::TempFolder folder;
  const std::string path = folder.file("nothing_here.png");
  EXPECT_USER_ERROR_FOR_PATH(read_image(path), path);
}

TEST(ReadErrors, FolderAndEmptyFile) {
  test::TempFolder folder;
  EXPECT_USER_ERROR_FOR_PATH(read_image(folder.path().string()), folder.path().string());
  const std::string empty = folder.file("empty.png");
  test::write_bytes(empty, "");
  EXPECT_USER_ERROR_FOR_PATH(read_image(empty), empty);
}

TEST(ReadErrors, TextFileRenamedPng) {
  test::TempFolder folder;
  const std::string path = folder.file("notes.png");
  test::write_bytes(path, "these are my notes, not a picture\n");
  EXPECT_USER_ERROR_FOR_PATH(read_image(path), path);
}

TEST(ReadErrors, TruncatedPng) {
  test::TempFolder folder;
  const std::string bytes = valid_file(folder, "whole.png");
  const std::string path = folder.file("truncated.png");
  for (size_t keep : {size_t{4}, size_t{8}, size_t{20}, size_t{40}, bytes.size() / 2,
                      bytes.size() - 12, bytes.size() - 1}) {
    SCOPED_TRACE(keep);
    test::write_bytes(path, bytes.substr(0, keep));
    EXPECT_USER_ERROR_FOR_PATH(read_image(path), path);
  }
}

TEST(ReadErrors, TruncatedJpeg) {
  test::TempFolder folder;
  const std::string bytes = valid_file(folder, "whole.jpg");
  const std::string path = folder.file("truncated.jpg");
  for (size_t keep : {size_t{3}, size_t{30}, size_t{200}, bytes.size() / 2, bytes.size() - 2}) {
    SCOPED_TRACE(keep);
    test::write_bytes(path, bytes.substr(0, keep));
    EXPECT_USER_ERROR_FOR_PATH(read_image(path), path);
  }
}

TEST(ReadErrors, CorruptPngData) {
  test::TempFolder folder;
  std::string bytes = valid_file(folder, "whole.png");
  const size_t idat = bytes.find("IDAT");
  ASSERT_NE(idat, std::string::npos);
  bytes[idat + 10] = static_cast<char>(bytes[idat + 10] ^ 0x5A);  // fails the chunk CRC
  const std::string path = folder.file("corrupt.png");
  test::write_bytes(path, bytes);
  EXPECT_USER_ERROR_FOR_PATH(read_image(path), path);
}

TEST(ReadErrors, CorruptJpegData) {
  test::TempFolder folder;
  const std::string whole = valid_file(folder, "whole.jpg");
  const std::string path = folder.file("corrupt.jpg");
  // A start-of-frame that claims zero height.
  std::string bytes = whole;
  const size_t sof = bytes.find("\xFF\xC0");
  ASSERT_NE(sof, std::string::npos);
  bytes[sof + 5] = 0;
  bytes[sof + 6] = 0;
  test::write_bytes(path, bytes);
  EXPECT_USER_ERROR_FOR_PATH(read_image(path), path);
  // A marker in the middle of the entropy-coded data.
  bytes = whole;
  const size_t scan = bytes.find("\xFF\xDA");
  ASSERT_NE(scan, std::string::npos);
  const size_t middle = scan + (bytes.size() - scan) / 2;
  bytes[middle] = static_cast<char>(0xFF);
  bytes[middle + 1] = static_cast<char>(0xD9);  // end of image, far too early
  test::write_bytes(path, bytes);
  EXPECT_USER_ERROR_FOR_PATH(read_image(path), path);
}

TEST(ReadErrors, AbsurdPngDimensions) {
  test::TempFolder folder;
  const std::string path = folder.file("huge.png");
  for (auto [width, height] : {std::pair<uint32_t, uint32_t>{100000, 1},
                               {1, 40000},
                               {20000, 20000},
                               {2000000000, 2000000000}}) {
    SCOPED_TRACE(std::to_string(width) + "x" + std::to_string(height));
    test::write_bytes(path, forged_png_header(width, height));
    EXPECT_USER_ERROR_FOR_PATH(read_image(path), path);
    try {
      read_image(path);
    } catch (const UserError& error) {
      EXPECT_NE(std::string(error.what()).find("too large"), std::string::npos) << error.what();
    }
  }
  test::write_bytes(path, forged_png_header(0, 5));
  EXPECT_USER_ERROR_FOR_PATH(read_image(path), path);
}

// The limit is a parameter (the fuzz harness uses a small one) and the message says what the
// largest accepted image costs.
TEST(ReadErrors, PixelLimitStatesTheCost) {
  test::TempFolder folder;
  const std::string path = folder.file("big.png");
  test::write_bytes(path, forged_png_header(20000, 20000));
  try {
    read_image(path);
    ADD_FAILURE() << "expected a UserError";
  } catch (const UserError& error) {
    EXPECT_NE(std::string(error.what()).find("268435456 pixels, which take up to 4.5 GiB"),
              std::string::npos)
        << error.what();
  }
  test::write_bytes(path, forged_png_header(3000, 3000));
  try {
    read_image(path, 1 << 22);
    ADD_FAILURE() << "expected a UserError";
  } catch (const UserError& error) {
    EXPECT_NE(std::string(error.what()).find("at most 32768 per side and 4194304 pixels"),
              std::string::npos)
        << error.what();
  }
}

TEST(ReadErrors, AbsurdJpegDimensions) {
  test::TempFolder folder;
  std::string bytes = valid_file(folder, "whole.jpg");
  const size_t sof = bytes.find("\xFF\xC0");
  ASSERT_NE(sof, std::string::npos);
  // SOF0: FF C0, length (2), precision (1), height (2), width (2). 40000 x 40000.
  for (size_t at : {sof + 5, sof + 7}) {
    bytes[at] = static_cast<char>(40000 >> 8);
    bytes[at + 1] = static_cast<char>(40000 & 0xFF);
  }
  const std::string path = folder.file("huge.jpg");
  test::write_bytes(path, bytes);
  EXPECT_USER_ERROR_FOR_PATH(read_image(path), path);
}

// Random byte damage: every outcome is either an image or a UserError naming the path.
// Each trial gets its own file: overwriting one file is slow on some file systems.
void expect_damage_is_handled(const std::string& original, const std::string& path_prefix,
                              unsigned seed) {
  std::mt19937 random(seed);
  for (int trial = 0; trial < 120; ++trial) {
    std::string bytes = original;
    const int flips = 1 + static_cast<int>(random() % 8);
    for (int k = 0; k < flips; ++k) {
      const size_t at = 2 + random() % (bytes.size() - 2);  // keep the magic mostly intact
      bytes[at] = static_cast<char>(random() & 0xFF);
    }
    if (random() % 3 == 0) bytes.resize(2 + random() % (bytes.size() - 2));
    const std::string path = path_prefix + std::to_string(trial);
    test::write_bytes(path, bytes);
    try {
      const Image image = read_image(path);
      ASSERT_EQ(image.rgb.size(), static_cast<size_t>(image.width) * image.height * 3);
    } catch (const UserError& error) {
      ASSERT_EQ(std::string(error.what()).rfind(path + ": ", 0), 0u) << error.what();
    }
  }
}

TEST(ReadErrors, RandomDamageNeverCrashes) {
  test::TempFolder folder;
  expect_damage_is_handled(valid_file(folder, "whole.png"), folder.file("damaged_png_"), 1);
  expect_damage_is_handled(valid_file(folder, "whole.jpg"), folder.file("damaged_jpg_"), 2);
  std::string garbage(5000, '\0');
  std::mt19937 random(3);
  for (char& ch : garbage) ch = static_cast<char>(random() & 0xFF);
  expect_damage_is_handled(std::string("\x89PNG\r\n\x1a\n", 8) + garbage,
                           folder.file("garbage_png_"), 4);
  expect_damage_is_handled("\xFF\xD8\xFF" + garbage, folder.file("garbage_jpg_"), 5);
}

}  // namespace
}  // namespace nsrg
