// write_image: format by extension, clamping and rounding to 8 bits, atomic output.
#include <algorithm>
#include <cmath>

#include "engine/core/error.h"
#include "engine/image/image.h"
#include "tests/image/image_test_support.h"

namespace nsrg {
namespace {

TEST(WriteImage, UnknownExtensionNamesPathAndWritesNothing) {
  test::TempFolder folder;
  const Image image = test::make_test_image(4, 4);
  for (const char* name : {"out.bmp", "out", "out.png.txt", "out.tiff"}) {
    const std::string path = folder.file(name);
    EXPECT_USER_ERROR_FOR_PATH(write_image(path, image), path);
  }
  EXPECT_TRUE(folder.entries().empty());
}

TEST(WriteImage, ClampsAndRoundsTo8Bits) {
  test::TempFolder folder;
  Image image;
  image.width = 6;
  image.height = 1;
  image.rgb = {-0.5f,  1.5f,   0.5f,          0.0f,  1.0f,   0.25f, 2.0f / 255.0f + 0.001f,
               0.999f, 0.002f, std::nanf(""), 1e30f, -1e30f, 0.1f,  0.2f,
               0.3f,   0.4f,   0.6f,          0.8f};
  const std::string path = folder.file("levels.PNG");
  write_image(path, image);
  const Image back = read_image(path);
  ASSERT_EQ(back.width, 6);
  ASSERT_EQ(back.height, 1);
  for (size_t i = 0; i < image.rgb.size(); ++i) {
    const float v = image.rgb[i];
    const float clamped = v > 0.0f ? std::min(v, 1.0f) : 0.0f;  // NaN -> 0
    EXPECT_EQ(back.rgb[i], std::round(clamped * 255.0f) / 255.0f) << "value " << i;
  }
}

TEST(WriteImage, AtomicWriteLeavesOnlyTheTarget) {
  test::TempFolder folder;
  const Image image = test::make_test_image(16, 12);
  write_image(folder.file("a.png"), image);
  write_image(folder.file("b.jpeg"), image);
  write_image(folder.file("a.png"), image);  // replacing an existing file
  write_image(folder.file("sub/dir/c.jpg"), image);
  EXPECT_EQ(folder.entries(), (std::vector<std::string>{"a.png", "b.jpeg", "sub"}));
  EXPECT_EQ(read_image(folder.file("sub/dir/c.jpg")).width, 16);
}

TEST(WriteImage, FailedWriteNamesPathAndLeavesNoTemporary) {
  test::TempFolder folder;
  test::write_bytes(folder.file("plain_file"), "x");
  const std::string path = folder.file("plain_file/out.png");  // parent is not a folder
  EXPECT_USER_ERROR_FOR_PATH(write_image(path, test::make_test_image(4, 4)), path);
  EXPECT_EQ(folder.entries(), std::vector<std::string>{"plain_file"});
}

TEST(WriteImage, JpegTooWideIsAUserErrorWithoutLeftovers) {
  test::TempFolder folder;
  Image image;
  image.width = 70000;  // beyond JPEG's 65500 limit
  image.height = 1;
  image.rgb.assign(70000 * 3, 0.5f);
  const std::string path = folder.file("wide.jpg");
  EXPECT_USER_ERROR_FOR_PATH(write_image(path, image), path);
  EXPECT_TRUE(folder.entries().empty());
}

}  // namespace
}  // namespace nsrg
