// bfloat16 rounding of ring-buffer values (engine/core/ring_values.h): nearest even, NaN and
// infinities kept, exact values unchanged, float32 rows untouched; the row ops' element rules
// (ring_axpy, ring_dot's term and row scale) against float64 formulas.
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

TEST(RingValues, RowAxpyAndDotOfBothFormats) {
  const float values[3] = {1.5f, -0.3f, 1e4f};
  const float x[3] = {2.0f, 7.25f, -1e-3f};
  uint16_t halves[3];
  for (size_t i = 0; i < 3; ++i) store_ring_value(halves, i, values[i], true);
  for (bool bf16 : {false, true}) {
    const void* row = bf16 ? static_cast<const void*>(halves) : static_cast<const void*>(values);
    double dot = 0.0, want_dot = 0.0;
    for (size_t i = 0; i < 3; ++i) {
      const double stored = bf16 ? double(bf16_to_float(halves[i])) : double(values[i]);
      dot += ring_dot_term(row, bf16, x, i);
      want_dot += stored * double(x[i]);
      float y = 0.5f;
      ring_axpy_element(-2.0f, row, bf16, &y, i);
      EXPECT_NEAR(y, 0.5 - 2.0 * stored, 1e-6 * (0.5 + 2.0 * std::fabs(stored))) << i << bf16;
    }
    EXPECT_EQ(dot, want_dot) << bf16;  // exact products, added in the same order
  }
  const float scales[3] = {4.0f, 0.5f, -1.0f};
  EXPECT_EQ(scaled_ring_dot(3.0, nullptr, 1), 3.0);
  EXPECT_EQ(scaled_ring_dot(3.0, scales, 1), 1.5);
  EXPECT_EQ(scaled_ring_dot(3.0, scales, 2), -3.0);
}

}  // namespace
}  // namespace nsrg
