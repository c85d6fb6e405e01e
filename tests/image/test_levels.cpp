// Output levels: minmax, clamp and the per-channel percentile stretch.
#include <cmath>

#include "engine/core/error.h"
#include "engine/image/image.h"
#include "tests/image/image_test_support.h"

namespace nsrg {
namespace {

Image row_image(const std::vector<float>& interleaved) {
  Image image;
  image.width = static_cast<int>(interleaved.size() / 3);
  image.height = 1;
  image.rgb = interleaved;
  return image;
}

TEST(Levels, ParseModes) {
  EXPECT_EQ(parse_levels_mode("minmax"), LevelsMode::MinMax);
  EXPECT_EQ(parse_levels_mode("clamp"), LevelsMode::Clamp);
  EXPECT_EQ(parse_levels_mode("auto"), LevelsMode::Auto);
  EXPECT_THROW(parse_levels_mode("MinMax"), UserError);
  EXPECT_THROW(parse_levels_mode(""), UserError);
  try {
    parse_levels_mode("stretch");
  } catch (const UserError& error) {
    EXPECT_NE(std::string(error.what()).find("stretch"), std::string::npos);
  }
}

TEST(Levels, MinMaxStretchesAllChannelsTogether) {
  const std::vector<float> values{-0.3f, 0.2f, 0.5f, 2.1f, 1.0f, 0.0f, 0.7f, -0.1f, 0.9f};
  Image image = row_image(values);
  apply_levels(image, LevelsMode::MinMax);
  for (size_t i = 0; i < values.size(); ++i)
    EXPECT_NEAR(image.rgb[i], (values[i] + 0.3f) / 2.4f, 1e-6f);
  EXPECT_FLOAT_EQ(image.rgb[0], 0.0f);
  EXPECT_FLOAT_EQ(image.rgb[3], 1.0f);
}

TEST(Levels, MinMaxOfConstantImageIsZeroNotNaN) {
  Image image = row_image({0.4f, 0.4f, 0.4f, 0.4f, 0.4f, 0.4f});
  apply_levels(image, LevelsMode::MinMax);
  for (float v : image.rgb) EXPECT_EQ(v, 0.0f);
}

TEST(Levels, ClampClamps) {
  Image image = row_image({-1.0f, 0.25f, 3.0f, 1.0f, 0.0f, std::nanf("")});
  apply_levels(image, LevelsMode::Clamp);
  EXPECT_EQ(image.rgb, (std::vector<float>{0.0f, 0.25f, 1.0f, 1.0f, 0.0f, 0.0f}));
}

TEST(Levels, AutoStretchesEachChannelBetweenPercentiles) {
  // 101 pixels; channel c holds a ramp with its own offset and slope, shuffled.
  Image image;
  image.width = 101;
  image.height = 1;
  image.rgb.resize(101 * 3);
  const float offset[3] = {-0.5f, 0.1f, 0.3f}, slope[3] = {2.0f, 0.5f, 0.01f};
  for (int i = 0; i < 101; ++i) {
    const int rank = (i * 37) % 101;  // a permutation of 0..100
    for (int c = 0; c < 3; ++c) image.at(i, 0, c) = offset[c] + slope[c] * rank / 100.0f;
  }
  Image leveled = image;
  apply_levels(leveled, LevelsMode::Auto, 10.0, 90.0);
  for (int i = 0; i < 101; ++i) {
    const int rank = (i * 37) % 101;
    const float expected = std::min(1.0f, std::max(0.0f, (rank - 10) / 80.0f));
    for (int c = 0; c < 3; ++c) ASSERT_NEAR(leveled.at(i, 0, c), expected, 1e-4f) << i << " " << c;
  }
}

TEST(Levels, AutoInterpolatesPercentilesAndKeepsConstantChannels) {
  // Red: 0, 1, 2, 3 (x 0.1). The 25th percentile is at rank 0.75 -> 0.075; the 75th at
  // rank 2.25 -> 0.225. Green constant at 1.7 -> only clamped. Blue constant 0.3 -> kept.
  Image image = row_image({0.0f, 1.7f, 0.3f, 0.1f, 1.7f, 0.3f, 0.2f, 1.7f, 0.3f, 0.3f, 1.7f, 0.3f});
  apply_levels(image, LevelsMode::Auto, 25.0, 75.0);
  const float red[4] = {0.0f, (0.1f - 0.075f) / 0.15f, (0.2f - 0.075f) / 0.15f, 1.0f};
  for (int x = 0; x < 4; ++x) {
    EXPECT_NEAR(image.at(x, 0, 0), red[x], 1e-5f);
    EXPECT_EQ(image.at(x, 0, 1), 1.0f);
    EXPECT_NEAR(image.at(x, 0, 2), 0.3f, 1e-7f);
  }
}

TEST(Levels, DefaultPercentilesIgnoreOutliers) {
  Image image = test::make_test_image(40, 40);
  image.at(3, 3, 0) = 50.0f;  // one hot pixel must not flatten the rest
  apply_levels(image, LevelsMode::Auto);
  float max_red = 0.0f;
  for (int y = 0; y < 40; ++y)
    for (int x = 0; x < 40; ++x)
      if (x != 3 || y != 3) max_red = std::max(max_red, image.at(x, y, 0));
  EXPECT_EQ(max_red, 1.0f);
  for (float v : image.rgb) {
    EXPECT_GE(v, 0.0f);
    EXPECT_LE(v, 1.0f);
  }
}

TEST(Levels, InvalidPercentilesAreInternalErrors) {
  Image image = test::make_test_image(4, 4);
  EXPECT_THROW(apply_levels(image, LevelsMode::Auto, 50.0, 50.0), InternalError);
  EXPECT_THROW(apply_levels(image, LevelsMode::Auto, -1.0, 50.0), InternalError);
  EXPECT_THROW(apply_levels(image, LevelsMode::Auto, 1.0, 100.5), InternalError);
}

}  // namespace
}  // namespace nsrg
