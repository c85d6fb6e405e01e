// Resizing: identity, constants, antialiasing, aspect ratio, and agreement with a direct
// (non-separable) evaluation of the clamped, widened Lanczos-3 filter.
#include <cmath>
#include <random>

#include "engine/core/error.h"
#include "engine/image/image.h"
#include "tests/image/image_test_support.h"

namespace nsrg {
namespace {

Image random_image(int width, int height, unsigned seed) {
  std::mt19937 random(seed);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  Image image;
  image.width = width;
  image.height = height;
  image.rgb.resize(static_cast<size_t>(width) * height * 3);
  for (float& v : image.rgb) v = uniform(random);
  return image;
}

Image constant_image(int width, int height, float r, float g, float b) {
  Image image;
  image.width = width;
  image.height = height;
  for (int i = 0; i < width * height; ++i) image.rgb.insert(image.rgb.end(), {r, g, b});
  return image;
}

// Reference: weights of one axis, written out directly from the definition.
std::vector<double> reference_weights(int in_size, int out_size, int out_index) {
  const double kPi = std::acos(-1.0);
  auto sinc = [&](double x) { return x == 0.0 ? 1.0 : std::sin(kPi * x) / (kPi * x); };
  const double scale = static_cast<double>(in_size) / out_size;
  const double widen = scale > 1.0 ? scale : 1.0;
  const double center = (out_index + 0.5) * scale;
  std::vector<double> weights(in_size, 0.0);
  double total = 0.0;
  for (int x = -200; x < in_size + 200; ++x) {
    const double t = (x + 0.5 - center) / widen;
    const double w = std::abs(t) < 3.0 ? sinc(t) * sinc(t / 3.0) : 0.0;
    weights[std::min(std::max(x, 0), in_size - 1)] += w;
    total += w;
  }
  for (double& w : weights) w /= total;
  return weights;
}

TEST(Resize, SameSizeIsBitExactCopy) {
  Image image = random_image(17, 11, 1);
  image.rgb[5] = -3.0f;  // out-of-range values are kept too
  const Image copy = resize(image, 17, 11);
  EXPECT_EQ(copy.width, 17);
  EXPECT_EQ(copy.height, 11);
  EXPECT_EQ(copy.rgb, image.rgb);
}

TEST(Resize, ConstantStaysConstant) {
  const Image image = constant_image(37, 23, 0.2f, 0.7f, 1.0f);
  for (auto [w, h] : {std::pair{100, 7}, {9, 50}, {5, 3}, {37, 60}, {1, 1}, {200, 150}}) {
    SCOPED_TRACE(std::to_string(w) + "x" + std::to_string(h));
    const Image out = resize(image, w, h);
    ASSERT_EQ(out.width, w);
    ASSERT_EQ(out.height, h);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        ASSERT_NEAR(out.at(x, y, 0), 0.2f, 1e-5f);
        ASSERT_NEAR(out.at(x, y, 1), 0.7f, 1e-5f);
        ASSERT_NEAR(out.at(x, y, 2), 1.0f, 1e-5f);
      }
  }
}

TEST(Resize, CheckerboardDownscaledAveragesToHalf) {
  Image board;
  board.width = 64;
  board.height = 64;
  board.rgb.resize(64 * 64 * 3);
  for (int y = 0; y < 64; ++y)
    for (int x = 0; x < 64; ++x)
      for (int c = 0; c < 3; ++c) board.at(x, y, c) = static_cast<float>((x + y) % 2);
  const Image small = resize(board, 16, 16);
  for (int y = 0; y < 16; ++y)
    for (int x = 0; x < 16; ++x) {
      const bool interior = x >= 2 && x < 14 && y >= 2 && y < 14;
      for (int c = 0; c < 3; ++c)
        ASSERT_NEAR(small.at(x, y, c), 0.5f, interior ? 1e-4f : 0.05f) << x << "," << y;
    }
}

TEST(Resize, MatchesDirectTwoDimensionalFilter) {
  const Image image = random_image(23, 19, 2);
  for (auto [w, h] : {std::pair{7, 5}, {40, 31}, {23, 8}, {11, 19}, {50, 6}}) {
    SCOPED_TRACE(std::to_string(w) + "x" + std::to_string(h));
    const Image out = resize(image, w, h);
    ASSERT_EQ(out.width, w);
    ASSERT_EQ(out.height, h);
    for (int y = 0; y < h; ++y) {
      const std::vector<double> wy =
          h == image.height ? std::vector<double>() : reference_weights(image.height, h, y);
      for (int x = 0; x < w; ++x) {
        const std::vector<double> wx =
            w == image.width ? std::vector<double>() : reference_weights(image.width, w, x);
        for (int c = 0; c < 3; ++c) {
          double expected = 0.0;
          for (int sy = 0; sy < image.height; ++sy)
            for (int sx = 0; sx < image.width; ++sx) {
              const double fy = wy.empty() ? (sy == y ? 1.0 : 0.0) : wy[sy];
              const double fx = wx.empty() ? (sx == x ? 1.0 : 0.0) : wx[sx];
              expected += fy * fx * image.at(sx, sy, c);
            }
          ASSERT_NEAR(out.at(x, y, c), expected, 2e-5) << x << "," << y << " channel " << c;
        }
      }
    }
  }
}

TEST(Resize, LongestSideKeepsAspect) {
  const Image wide = constant_image(300, 200, 0.5f, 0.5f, 0.5f);
  Image out = resize_longest_side(wide, 150);
  EXPECT_EQ(out.width, 150);
  EXPECT_EQ(out.height, 100);
  const Image tall = constant_image(200, 300, 0.5f, 0.5f, 0.5f);
  out = resize_longest_side(tall, 150);
  EXPECT_EQ(out.width, 100);
  EXPECT_EQ(out.height, 150);
  out = resize_longest_side(constant_image(101, 50, 0, 0, 0), 50);  // 24.75 rounds to 25
  EXPECT_EQ(out.width, 50);
  EXPECT_EQ(out.height, 25);
  out = resize_longest_side(constant_image(3, 1000, 0, 0, 0), 10);  // 0.03 -> at least 1
  EXPECT_EQ(out.width, 1);
  EXPECT_EQ(out.height, 10);
  out = resize_longest_side(constant_image(64, 64, 0, 0, 0), 512);  // upscaling too
  EXPECT_EQ(out.width, 512);
  EXPECT_EQ(out.height, 512);
}

TEST(Resize, RejectsBadSizes) {
  const Image image = constant_image(4, 4, 0, 0, 0);
  EXPECT_THROW(resize(image, 0, 4), InternalError);
  EXPECT_THROW(resize_longest_side(image, 0), InternalError);
  EXPECT_THROW(resize(Image{}, 4, 4), InternalError);
}

}  // namespace
}  // namespace nsrg
