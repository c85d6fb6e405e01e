// Reading PNG variants written with libpng directly: bit depths, gray, alpha, palette,
// interlacing, each compared with the samples that were stored.
#include <png.h>

#include <cmath>

#include "engine/image/image.h"
#include "tests/image/image_test_support.h"

namespace nsrg {
namespace {

using test::RawPng;

constexpr int kWidth = 13, kHeight = 9;  // odd sizes exercise Adam7 and bit packing

int sample_value(int x, int y, int c, int bit_depth) {
  const int max_value = (1 << bit_depth) - 1;
  return (x * 4099 + y * 257 + c * 12345 + x * y * 31) % (max_value + 1);
}

// Reads `raw` back and checks each pixel against expected(x, y, c) in [0,1].
void expect_read_matches(const RawPng& raw, const std::function<float(int, int, int)>& expected) {
  test::TempFolder folder;
  const std::string path = folder.file("variant.png");
  ASSERT_TRUE(test::write_raw_png(path, raw));
  const Image image = read_image(path);
  ASSERT_EQ(image.width, raw.width);
  ASSERT_EQ(image.height, raw.height);
  ASSERT_EQ(image.rgb.size(), static_cast<size_t>(raw.width) * raw.height * 3);
  for (int y = 0; y < raw.height; ++y)
    for (int x = 0; x < raw.width; ++x)
      for (int c = 0; c < 3; ++c)
        ASSERT_NEAR(image.at(x, y, c), expected(x, y, c), 1e-7f)
            << "pixel " << x << "," << y << " channel " << c;
}

RawPng make_raw(int color_type, int bit_depth) {
  RawPng raw;
  raw.width = kWidth;
  raw.height = kHeight;
  raw.color_type = color_type;
  raw.bit_depth = bit_depth;
  raw.sample = [bit_depth](int x, int y, int c) { return sample_value(x, y, c, bit_depth); };
  return raw;
}

float scaled(int value, int bit_depth) {
  return static_cast<float>(value) / static_cast<float>((1 << bit_depth) - 1);
}

TEST(PngRead, Rgb8Bit) {
  expect_read_matches(make_raw(PNG_COLOR_TYPE_RGB, 8),
                      [](int x, int y, int c) { return scaled(sample_value(x, y, c, 8), 8); });
}

TEST(PngRead, Rgb16BitKeepsPrecision) {
  test::TempFolder folder;
  const RawPng raw = make_raw(PNG_COLOR_TYPE_RGB, 16);
  const std::string path = folder.file("deep.png");
  ASSERT_TRUE(test::write_raw_png(path, raw));
  const Image image = read_image(path);
  ASSERT_EQ(image.width, kWidth);
  for (int y = 0; y < kHeight; ++y)
    for (int x = 0; x < kWidth; ++x)
      for (int c = 0; c < 3; ++c)
        ASSERT_EQ(std::lround(image.at(x, y, c) * 65535.0f), sample_value(x, y, c, 16));
}

TEST(PngRead, Gray8BitBecomesRgb) {
  expect_read_matches(make_raw(PNG_COLOR_TYPE_GRAY, 8),
                      [](int x, int y, int) { return scaled(sample_value(x, y, 0, 8), 8); });
}

TEST(PngRead, Gray16Bit) {
  expect_read_matches(make_raw(PNG_COLOR_TYPE_GRAY, 16),
                      [](int x, int y, int) { return scaled(sample_value(x, y, 0, 16), 16); });
}

TEST(PngRead, GrayLowBitDepths) {
  for (int depth : {1, 2, 4}) {
    SCOPED_TRACE(depth);
    expect_read_matches(make_raw(PNG_COLOR_TYPE_GRAY, depth), [depth](int x, int y, int) {
      return scaled(sample_value(x, y, 0, depth), depth);
    });
  }
}

TEST(PngRead, GrayAlphaDropsAlpha) {
  for (int depth : {8, 16}) {
    SCOPED_TRACE(depth);
    expect_read_matches(make_raw(PNG_COLOR_TYPE_GRAY_ALPHA, depth), [depth](int x, int y, int) {
      return scaled(sample_value(x, y, 0, depth), depth);
    });
  }
}

TEST(PngRead, RgbaDropsAlpha) {
  for (int depth : {8, 16}) {
    SCOPED_TRACE(depth);
    expect_read_matches(make_raw(PNG_COLOR_TYPE_RGB_ALPHA, depth), [depth](int x, int y, int c) {
      return scaled(sample_value(x, y, c, depth), depth);
    });
  }
}

TEST(PngRead, PaletteBecomesRgbIgnoringTransparency) {
  for (int depth : {4, 8}) {
    SCOPED_TRACE(depth);
    RawPng raw = make_raw(PNG_COLOR_TYPE_PALETTE, depth);
    const int entries = 1 << depth;
    for (int i = 0; i < entries; ++i)
      raw.palette.push_back({static_cast<unsigned char>(i * 7 % 256),
                             static_cast<unsigned char>(255 - i),
                             static_cast<unsigned char>(i * 31 % 256)});
    const auto palette = raw.palette;
    expect_read_matches(raw, [&](int x, int y, int c) {
      return palette[sample_value(x, y, 0, depth)][c] / 255.0f;
    });
  }
}

TEST(PngRead, Interlaced) {
  for (int type : {PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_GRAY}) {
    SCOPED_TRACE(type);
    RawPng raw = make_raw(type, 8);
    raw.interlaced = true;
    const bool gray = type == PNG_COLOR_TYPE_GRAY;
    expect_read_matches(raw, [gray](int x, int y, int c) {
      return scaled(sample_value(x, y, gray ? 0 : c, 8), 8);
    });
  }
}

TEST(PngRead, WriteThenReadIsExactAt8Bits) {
  test::TempFolder folder;
  Image image = test::make_test_image(31, 17);
  for (float& v : image.rgb) v = std::round(v * 255.0f) / 255.0f;  // representable in 8 bits
  const std::string path = folder.file("round.png");
  write_image(path, image);
  const Image back = read_image(path);
  ASSERT_EQ(back.width, 31);
  ASSERT_EQ(back.height, 17);
  for (size_t i = 0; i < image.rgb.size(); ++i) ASSERT_NEAR(back.rgb[i], image.rgb[i], 1e-7f);
}

}  // namespace
}  // namespace nsrg
