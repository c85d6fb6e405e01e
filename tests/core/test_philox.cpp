// Philox4x32-10 known-answer tests (the published Random123 vectors) and the statistics of
// the uniform and normal draws built on it.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/core/philox.h"

namespace nsrg {
namespace {

void expect_block(Philox4x32 counter, uint32_t k0, uint32_t k1, Philox4x32 expected) {
  const Philox4x32 got = philox4x32_10(counter, k0, k1);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(got.v[i], expected.v[i]) << "word " << i;
}

TEST(Philox, KnownAnswerZero) {
  expect_block({{0, 0, 0, 0}}, 0, 0, {{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}});
}

TEST(Philox, KnownAnswerAllOnes) {
  expect_block({{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}}, 0xffffffffu, 0xffffffffu,
               {{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}});
}

TEST(Philox, KnownAnswerPi) {
  expect_block({{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}}, 0xa4093822u, 0x299f31d0u,
               {{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}});
}

TEST(Philox, StreamsDifferByEveryKeyPart) {
  const RandomStream base{7, 1, 2, RandomPurpose::Test};
  RandomStream other = base;
  other.seed = 8;
  EXPECT_NE(base.bits(0), other.bits(0));
  other = base;
  other.variant = 2;
  EXPECT_NE(base.bits(0), other.bits(0));
  other = base;
  other.layer = 3;
  EXPECT_NE(base.bits(0), other.bits(0));
  other = base;
  other.purpose = RandomPurpose::InitImage;
  EXPECT_NE(base.bits(0), other.bits(0));
  EXPECT_EQ(base.bits(5), base.block(1).v[1]);
}

TEST(Philox, UniformMomentsAndRange) {
  const RandomStream stream{1, 0, 0, RandomPurpose::Test};
  const int count = 400000;
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < count; ++i) {
    const float u = stream.uniform(i, 0.1f, 1.9f);
    ASSERT_GE(u, 0.1f);
    ASSERT_LT(u, 1.9f);
    sum += u;
    sum_sq += double(u) * u;
  }
  const double mean = sum / count, var = sum_sq / count - mean * mean;
  EXPECT_NEAR(mean, 1.0, 0.005);
  EXPECT_NEAR(var, 1.8 * 1.8 / 12.0, 0.005);
}

TEST(Philox, NormalMoments) {
  const RandomStream stream{3, 0, 0, RandomPurpose::Test};
  const int count = 400000;
  double sum = 0, sum_sq = 0, sum_4 = 0;
  for (int i = 0; i < count; ++i) {
    const double z = stream.normal(i);
    ASSERT_TRUE(std::isfinite(z));
    sum += z;
    sum_sq += z * z;
    sum_4 += z * z * z * z;
  }
  const double mean = sum / count, var = sum_sq / count - mean * mean;
  EXPECT_NEAR(mean, 0.0, 0.01);
  EXPECT_NEAR(var, 1.0, 0.01);
  EXPECT_NEAR(sum_4 / count, 3.0, 0.06);  // kurtosis of a normal
}

}  // namespace
}  // namespace nsrg
