// JPEG reading and writing: round trips within tolerance; gray, progressive and
// upper-case extensions.
#include <cmath>

#include "engine/image/image.h"
#include "tests/image/image_test_support.h"

namespace nsrg {
namespace {

float max_abs_difference(const Image& a, const Image& b) {
  EXPECT_EQ(a.rgb.size(), b.rgb.size());
  float worst = 0.0f;
  for (size_t i = 0; i < a.rgb.size() && i < b.rgb.size(); ++i)
    worst = std::max(worst, std::abs(a.rgb[i] - b.rgb[i]));
  return worst;
}

TEST(JpegIo, RoundTripWithinTolerance) {
  test::TempFolder folder;
  const Image image = test::make_test_image(40, 24);
  for (const char* name : {"round.jpg", "ROUND2.JPEG", "round3.Jpg"}) {
    SCOPED_TRACE(name);
    const std::string path = folder.file(name);
    write_image(path, image);
    const std::string bytes = test::read_bytes(path);
    ASSERT_GE(bytes.size(), 3u);
    EXPECT_EQ(static_cast<unsigned char>(bytes[0]), 0xFF);  // a JPEG, whatever the case
    EXPECT_EQ(static_cast<unsigned char>(bytes[1]), 0xD8);
    const Image back = read_image(path);
    ASSERT_EQ(back.width, 40);
    ASSERT_EQ(back.height, 24);
    EXPECT_LT(max_abs_difference(back, image), 0.03f);
  }
}

TEST(JpegIo, GrayJpegBecomesRgb) {
  test::TempFolder folder;
  const int width = 24, height = 16;
  std::vector<unsigned char> gray(width * height);
  for (int i = 0; i < width * height; ++i) gray[i] = static_cast<unsigned char>(40 + i % 24 * 6);
  const std::string path = folder.file("gray.jpg");
  ASSERT_TRUE(test::write_raw_jpeg(path, width, height, 1, gray, false, 100));
  const Image image = read_image(path);
  ASSERT_EQ(image.width, width);
  ASSERT_EQ(image.height, height);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      EXPECT_EQ(image.at(x, y, 0), image.at(x, y, 1));
      EXPECT_EQ(image.at(x, y, 0), image.at(x, y, 2));
      EXPECT_NEAR(image.at(x, y, 0), gray[y * width + x] / 255.0f, 0.03f);
    }
}

TEST(JpegIo, ProgressiveJpeg) {
  test::TempFolder folder;
  const Image reference = test::make_test_image(33, 21);
  std::vector<unsigned char> rgb(reference.rgb.size());
  for (size_t i = 0; i < rgb.size(); ++i)
    rgb[i] = static_cast<unsigned char>(std::lround(reference.rgb[i] * 255.0f));
  const std::string path = folder.file("progressive.jpg");
  ASSERT_TRUE(test::write_raw_jpeg(path, 33, 21, 3, rgb, true, 95));
  const Image image = read_image(path);
  ASSERT_EQ(image.width, 33);
  ASSERT_EQ(image.height, 21);
  EXPECT_LT(max_abs_difference(image, reference), 0.05f);
}

TEST(JpegIo, ReadsByMagicBytesNotExtension) {
  test::TempFolder folder;
  const Image image = test::make_test_image(8, 8);
  write_image(folder.file("a.jpg"), image);
  write_image(folder.file("b.png"), image);
  std::filesystem::rename(folder.file("a.jpg"), folder.file("really_jpeg.png"));
  std::filesystem::rename(folder.file("b.png"), folder.file("really_png.jpg"));
  EXPECT_EQ(read_image(folder.file("really_jpeg.png")).width, 8);
  EXPECT_EQ(read_image(folder.file("really_png.jpg")).width, 8);
}

}  // namespace
}  // namespace nsrg
