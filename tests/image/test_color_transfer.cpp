// style.color and style.color_match (engine/image/color_transfer.h) against what Gatys et al.
// state for them: after the linear match the style's colour mean and covariance are the
// content's; after the histogram match each channel's values are the content's quantiles;
// the luminance transfer gives grey images whose luma has the content's mean and spread. The
// statistics are recomputed here by plain loops in double, not by color_statistics.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "engine/image/color_transfer.h"

namespace nsrg {
namespace {

// An image of correlated colours: channel c = a_c + b_c * t + noise, t uniform per pixel.
Image tinted_image(int width, int height, unsigned seed, float base, float spread) {
  std::mt19937 random(seed);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  Image image;
  image.width = width;
  image.height = height;
  image.rgb.resize(size_t(width) * size_t(height) * 3);
  for (size_t p = 0; p < size_t(width) * size_t(height); ++p) {
    const float t = uniform(random);
    for (size_t c = 0; c < 3; ++c)
      image.rgb[3 * p + c] = base + spread * (0.3f * float(c + 1) * t + 0.2f * uniform(random));
  }
  return image;
}

struct Moments {
  double mean[3] = {}, covariance[3][3] = {};
};

Moments moments_of(const Image& image) {
  Moments m;
  const size_t n = image.rgb.size() / 3;
  for (size_t p = 0; p < n; ++p)
    for (int c = 0; c < 3; ++c) m.mean[c] += image.rgb[3 * p + size_t(c)] / double(n);
  for (size_t p = 0; p < n; ++p)
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j)
        m.covariance[i][j] += (image.rgb[3 * p + size_t(i)] - m.mean[i]) *
                              (image.rgb[3 * p + size_t(j)] - m.mean[j]) / double(n);
  return m;
}

double luma_at(const Image& image, size_t p) {
  return 0.299 * image.rgb[3 * p] + 0.587 * image.rgb[3 * p + 1] + 0.114 * image.rgb[3 * p + 2];
}

TEST(ColorStatistics, AreTheMeanAndCovarianceOfTheChannels) {
  const Image image = tinted_image(17, 11, 3, 0.1f, 0.8f);
  const ColorStatistics stats = color_statistics(image);
  const Moments expected = moments_of(image);
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(stats.mean[size_t(i)], expected.mean[i], 1e-12);
    for (int j = 0; j < 3; ++j)
      EXPECT_NEAR(stats.covariance[size_t(i)][size_t(j)], expected.covariance[i][j], 1e-12);
  }
}

TEST(ColorMatch, LinearGivesTheContentsMeanAndCovariance) {
  const Image style = tinted_image(40, 30, 1, 0.5f, 0.4f);
  const Image content = tinted_image(25, 20, 2, 0.05f, 0.9f);
  const Image matched = matched_colors(style, content, ColorMatch::Linear);
  ASSERT_EQ(matched.width, style.width);
  ASSERT_EQ(matched.height, style.height);
  const Moments got = moments_of(matched), want = moments_of(content);
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(got.mean[i], want.mean[i], 1e-5);
    for (int j = 0; j < 3; ++j) EXPECT_NEAR(got.covariance[i][j], want.covariance[i][j], 2e-5);
  }
}

TEST(ColorMatch, LinearOfAFlatStyleIsTheContentsMeanAndFinite) {
  Image style = tinted_image(8, 8, 1, 0.5f, 0.0f);  // every pixel the same colour
  const Image content = tinted_image(9, 7, 2, 0.2f, 0.5f);
  const Image matched = matched_colors(style, content, ColorMatch::Linear);
  const Moments want = moments_of(content);
  for (size_t p = 0; p < 64; ++p)
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(matched.rgb[3 * p + size_t(c)], want.mean[c], 1e-5);
}

TEST(ColorMatch, HistogramOfEqualSizesGivesTheContentsValuesPerChannel) {
  const Image style = tinted_image(16, 12, 5, 0.3f, 0.5f);
  const Image content = tinted_image(12, 16, 6, 0.0f, 1.0f);
  const Image matched = matched_colors(style, content, ColorMatch::Histogram);
  for (size_t c = 0; c < 3; ++c) {
    std::vector<float> got, want;
    for (size_t p = 0; p < 192; ++p) {
      got.push_back(matched.rgb[3 * p + c]);
      want.push_back(content.rgb[3 * p + c]);
    }
    std::sort(got.begin(), got.end());
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got, want) << "channel " << c;
    // and the order of the style's pixels is kept: the brightest stays the brightest
    size_t brightest = 0;
    for (size_t p = 1; p < 192; ++p)
      if (style.rgb[3 * p + c] > style.rgb[3 * brightest + c]) brightest = p;
    EXPECT_EQ(matched.rgb[3 * brightest + c], want.back());
  }
}

TEST(ColorMatch, HistogramOfOtherSizesTakesTheContentsQuantiles) {
  const Image style = tinted_image(30, 20, 7, 0.6f, 0.3f);    // 600 pixels
  const Image content = tinted_image(20, 10, 8, 0.0f, 0.9f);  // 200 pixels
  const Image matched = matched_colors(style, content, ColorMatch::Histogram);
  const Moments got = moments_of(matched), want = moments_of(content);
  for (int c = 0; c < 3; ++c) {
    EXPECT_NEAR(got.mean[c], want.mean[c], 1e-6) << "three style pixels per content value";
    EXPECT_NEAR(got.covariance[c][c], want.covariance[c][c], 1e-6);
  }
}

TEST(ColorMatch, NoneReturnsTheStyleUnchanged) {
  const Image style = tinted_image(5, 4, 9, 0.1f, 0.9f);
  EXPECT_EQ(matched_colors(style, tinted_image(3, 3, 1, 0, 1), ColorMatch::None).rgb, style.rgb);
}

TEST(LuminanceTransfer, LuminanceImageIsGreyWithTheSameLuma) {
  const Image image = tinted_image(9, 5, 10, 0.0f, 1.0f);
  const Image grey = luminance_image(image);
  for (size_t p = 0; p < 45; ++p) {
    EXPECT_EQ(grey.rgb[3 * p], grey.rgb[3 * p + 1]);
    EXPECT_EQ(grey.rgb[3 * p], grey.rgb[3 * p + 2]);
    EXPECT_NEAR(grey.rgb[3 * p], luma_at(image, p), 1e-6);
  }
}

TEST(LuminanceTransfer, MatchedLuminanceHasTheContentsMeanAndSpread) {
  const Image style = tinted_image(30, 24, 11, 0.5f, 0.5f);
  const Image content = tinted_image(21, 13, 12, 0.0f, 0.7f);
  const Image matched = matched_luminance(style, content);
  auto luma_moments = [](const Image& image) {
    const size_t n = image.rgb.size() / 3;
    double mean = 0.0, variance = 0.0;
    for (size_t p = 0; p < n; ++p) mean += luma_at(image, p) / double(n);
    for (size_t p = 0; p < n; ++p) variance += std::pow(luma_at(image, p) - mean, 2) / double(n);
    return std::pair<double, double>(mean, std::sqrt(variance));
  };
  const auto [mean, deviation] = luma_moments(matched);
  const auto [content_mean, content_deviation] = luma_moments(content);
  EXPECT_NEAR(mean, content_mean, 1e-6);
  EXPECT_NEAR(deviation, content_deviation, 1e-6);
  for (size_t p = 0; p < 720; ++p) {
    EXPECT_EQ(matched.rgb[3 * p], matched.rgb[3 * p + 1]);
    EXPECT_EQ(matched.rgb[3 * p], matched.rgb[3 * p + 2]);
  }
  // A flat style has no spread to scale: it becomes the content's mean luma.
  const Image flat = matched_luminance(tinted_image(4, 4, 1, 0.3f, 0.0f), content);
  for (float value : flat.rgb) EXPECT_NEAR(value, content_mean, 1e-6);
}

}  // namespace
}  // namespace nsrg
