// bfloat16 rounding of ring-buffer values (engine/core/ring_values.h): nearest even, NaN and
// infinities kept, exact values unchanged, float32 rows untouched.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "engine/core/ring_values.h"

namespace nsrg {
namespace {

TEST(RingValues, Bf16RoundsToNearestEven) {
  EXPECT_EQ(float_to_bf16(1.0f), 0x3f80);
  // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties go to the even one, 1.
  EXPECT_EQ(float_to_bf16(1.0f + std::ldexp(1.0f, -8)), 0x3f80);
  // 1 + 3 * 2^-8 lies halfway between 1 + 2^-7 (odd) and 1 + 2^-6: up to the even one.
  EXPECT_EQ(float_to_bf16(1.0f + 3.0f * std::ldexp(1.0f, -8)), 0x3f82);
  // Just above the half-way point rounds up.
  EXPECT_EQ(float_to_bf16(1.0f + std::ldexp(1.0f, -8) + std::ldexp(1.0f, -20)), 0x3f81);
  EXPECT_EQ(float_to_bf16(-2.0f), 0xc000);
}

TEST(RingValues, Bf16KeepsSpecialValuesAndRange) {
  EXPECT_EQ(float_to_bf16(std::numeric_limits<float>::infinity()), 0x7f80);
  EXPECT_TRUE(std::isnan(bf16_to_float(float_to_bf16(std::nanf("")))));
  EXPECT_NEAR(bf16_to_float(float_to_bf16(1e30f)) / 1e30f, 1.0, 1.0 / 256);
  EXPECT_EQ(bf16_to_float(float_to_bf16(0.0f)), 0.0f);
}

TEST(RingValues, RelativeErrorIsAtMostHalfAUnitInTheEighthBit) {
  for (float v = -1000.0f; v < 1000.0f; v += 0.37f) {
    if (v == 0.0f) continue;
    const float back = bf16_to_float(float_to_bf16(v));
    EXPECT_LE(std::fabs(back - v), std::fabs(v) * std::ldexp(1.0f, -8)) << v;
  }
}

TEST(RingValues, LoadAndStoreOfBothFormats) {
  float floats[2] = {0, 0};
  store_ring_value(floats, 1, 3.14159f, false);
  EXPECT_EQ(load_ring_value(floats, 1, false), 3.14159f);
  uint16_t halves[4] = {0, 0, 0, 0};
  store_ring_value(halves, 3, 3.14159f, true);
  EXPECT_EQ(halves[3], float_to_bf16(3.14159f));
  EXPECT_EQ(load_ring_value(halves, 3, true), bf16_to_float(float_to_bf16(3.14159f)));
  EXPECT_EQ(halves[2], 0);
}

}  // namespace
}  // namespace nsrg
