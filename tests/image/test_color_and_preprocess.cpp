// original_colors (luminance from one image, chroma from another) and the network
// pre/deprocessing round trip.
#include <random>

#include "engine/image/image.h"
#include "tests/image/image_test_support.h"

namespace nsrg {
namespace {

struct Yuv {
  double y, u, v;
};

Yuv yuv_of(const Image& image, int x, int y) {
  const double r = image.at(x, y, 0), g = image.at(x, y, 1), b = image.at(x, y, 2);
  return {0.299 * r + 0.587 * g + 0.114 * b, -0.14713 * r - 0.28886 * g + 0.436 * b,
          0.615 * r - 0.51499 * g - 0.10001 * b};
}

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

TEST(OriginalColors, KeepsGeneratedLuminanceAndContentChroma) {
  const Image generated = random_image(12, 9, 1);
  const Image content = random_image(12, 9, 2);
  const Image out = original_colors(generated, content);
  ASSERT_EQ(out.width, 12);
  ASSERT_EQ(out.height, 9);
  for (int y = 0; y < 9; ++y)
    for (int x = 0; x < 12; ++x) {
      const Yuv result = yuv_of(out, x, y);
      EXPECT_NEAR(result.y, yuv_of(generated, x, y).y, 1e-5);
      EXPECT_NEAR(result.u, yuv_of(content, x, y).u, 1e-5);
      EXPECT_NEAR(result.v, yuv_of(content, x, y).v, 1e-5);
    }
}

TEST(OriginalColors, SameImageIsUnchanged) {
  const Image image = random_image(7, 5, 3);
  const Image out = original_colors(image, image);
  for (size_t i = 0; i < image.rgb.size(); ++i) EXPECT_NEAR(out.rgb[i], image.rgb[i], 1e-6f);
}

TEST(OriginalColors, ResizesContentOfOtherSize) {
  const Image generated = random_image(10, 6, 4);
  Image content;  // a constant colour at twice the size
  content.width = 20;
  content.height = 12;
  for (int i = 0; i < 240; ++i) content.rgb.insert(content.rgb.end(), {0.9f, 0.2f, 0.4f});
  const Image out = original_colors(generated, content);
  ASSERT_EQ(out.width, 10);
  ASSERT_EQ(out.height, 6);
  const Yuv chroma = yuv_of(content, 0, 0);
  for (int y = 0; y < 6; ++y)
    for (int x = 0; x < 10; ++x) {
      const Yuv result = yuv_of(out, x, y);
      EXPECT_NEAR(result.y, yuv_of(generated, x, y).y, 1e-5);
      EXPECT_NEAR(result.u, chroma.u, 1e-5);
      EXPECT_NEAR(result.v, chroma.v, 1e-5);
    }
}

TEST(Preprocess, CaffeBgrLayout) {
  Image image = random_image(5, 4, 5);
  const Preprocess caffe;  // BGR, x255, minus (103.939, 116.779, 123.68)
  const std::vector<float> chw = preprocess_image(image, caffe);
  ASSERT_EQ(chw.size(), 3u * 5 * 4);
  const int plane = 20;
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 5; ++x) {
      const int i = y * 5 + x;
      EXPECT_FLOAT_EQ(chw[0 * plane + i], image.at(x, y, 2) * 255.0f - 103.939f);
      EXPECT_FLOAT_EQ(chw[1 * plane + i], image.at(x, y, 1) * 255.0f - 116.779f);
      EXPECT_FLOAT_EQ(chw[2 * plane + i], image.at(x, y, 0) * 255.0f - 123.68f);
    }
}

TEST(Preprocess, RgbOrderAndOtherScale) {
  Image image = random_image(3, 2, 6);
  Preprocess p;
  p.bgr = false;
  p.scale = 1.0f;
  p.mean = {0.485f, 0.456f, 0.406f};
  const std::vector<float> chw = preprocess_image(image, p);
  for (int c = 0; c < 3; ++c)
    for (int i = 0; i < 6; ++i) EXPECT_FLOAT_EQ(chw[c * 6 + i], image.rgb[3 * i + c] - p.mean[c]);
}

TEST(Preprocess, TorchvisionStdDividesEachChannel) {
  Image image = random_image(4, 3, 8);
  Preprocess p;  // torchvision: RGB in [0,1], ImageNet mean and std
  p.bgr = false;
  p.scale = 1.0f;
  p.mean = {0.485f, 0.456f, 0.406f};
  p.std = {0.229f, 0.224f, 0.225f};
  const std::vector<float> chw = preprocess_image(image, p);
  for (int c = 0; c < 3; ++c)
    for (int i = 0; i < 12; ++i)
      EXPECT_NEAR(chw[c * 12 + i], (image.rgb[3 * i + c] - p.mean[c]) / p.std[c], 1e-6f);
  const Image back = deprocess_image(chw.data(), 4, 3, p);
  for (size_t i = 0; i < image.rgb.size(); ++i) EXPECT_NEAR(back.rgb[i], image.rgb[i], 1e-6f);
}

TEST(Preprocess, DeprocessIsTheInverse) {
  const Image image = random_image(33, 17, 7);
  for (bool bgr : {true, false}) {
    Preprocess p;
    p.bgr = bgr;
    const std::vector<float> chw = preprocess_image(image, p);
    const Image back = deprocess_image(chw.data(), 33, 17, p);
    ASSERT_EQ(back.width, 33);
    ASSERT_EQ(back.height, 17);
    for (size_t i = 0; i < image.rgb.size(); ++i) ASSERT_NEAR(back.rgb[i], image.rgb[i], 2e-6f);
  }
  // No clamping on the way back.
  const Preprocess caffe;
  std::vector<float> chw(3, 0.0f);
  chw[0] = 1000.0f;
  const Image out = deprocess_image(chw.data(), 1, 1, caffe);
  EXPECT_NEAR(out.at(0, 0, 2), (1000.0f + 103.939f) / 255.0f, 1e-5f);
  EXPECT_NEAR(out.at(0, 0, 0), 123.68f / 255.0f, 1e-6f);
}

}  // namespace
}  // namespace nsrg
