// The element rules of engine/core/elementwise_rules.h (shared by the CPU backend and the CUDA
// kernels) against naive float64 formulas written here, element by element.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/core/elementwise_rules.h"
#include "engine/core/optimizer_scalars.h"

namespace nsrg {
namespace {

// A few values of either sign and of different magnitudes, zero included.
const std::vector<float> kValues = {-3.5f, -1.0f, -1e-3f, 0.0f, 2e-4f, 0.75f, 1.0f, 12.25f, 1e3f};

// The float result of a rule against its float64 formula: within one rounding of each
// float operation the rule performs, relative to the magnitudes involved.
void expect_close(float got, double want, double magnitude, const char* what) {
  EXPECT_NEAR(double(got), want, 4.0 * 1.2e-7 * (magnitude + 1e-30)) << what;
}

TEST(ElementwiseRules, CoefficientIsTheConstantTimesTheScalar) {
  EXPECT_EQ(coefficient_value(2.5f, nullptr), 2.5f);
  const float scalar = -4.0f;
  EXPECT_EQ(coefficient_value(2.5f, &scalar), -10.0f);
  const float one = 1.0f;
  EXPECT_EQ(coefficient_value(0.3f, &one), 0.3f);
}

TEST(ElementwiseRules, FillWritesOnlyItsElement) {
  std::vector<float> data(5, 1.0f);
  fill_element(data.data(), 3, -2.0f);
  EXPECT_EQ(data, (std::vector<float>{1, 1, 1, -2, 1}));
}

TEST(ElementwiseRules, BiasAddUsesTheChannelOfEachElement) {
  const int images = 2, channels = 3;
  const size_t plane = 5;
  const std::vector<float> bias = {0.5f, -1.0f, 10.0f};
  std::vector<float> y(images * channels * plane);
  for (size_t i = 0; i < y.size(); ++i) y[i] = float(i) * 0.25f;
  std::vector<float> got = y;
  for (size_t i = 0; i < got.size(); ++i)
    bias_add_element(got.data(), bias.data(), channels, plane, i);
  for (int n = 0; n < images; ++n)
    for (int c = 0; c < channels; ++c)
      for (size_t p = 0; p < plane; ++p) {
        const size_t i = (size_t(n) * channels + c) * plane + p;
        EXPECT_EQ(got[i], float(double(y[i]) + bias[size_t(c)])) << n << " " << c << " " << p;
      }
}

TEST(ElementwiseRules, ReluForwardAndBackward) {
  for (float x : kValues) {
    float y = -99.0f;
    relu_forward_element(&x, &y, 0);
    EXPECT_EQ(y, x > 0 ? x : 0.0f) << x;
    const float dy = 7.0f;
    float dx = -99.0f;
    relu_backward_element(&y, &dy, &dx, 0);
    EXPECT_EQ(dx, y > 0 ? 7.0f : 0.0f) << x;
  }
  // NaN is not > 0: forward gives 0, and so does backward where the output is NaN.
  const float nan = std::nanf("");
  float y = 1.0f;
  relu_forward_element(&nan, &y, 0);
  EXPECT_EQ(y, 0.0f);
  float gradient = 3.0f;  // dy and dx may alias
  relu_backward_element(&nan, &gradient, &gradient, 0);
  EXPECT_EQ(gradient, 0.0f);
}

TEST(ElementwiseRules, MaskFeaturesWeighsEachPositionOfEveryPlane) {
  // Two planes of three positions: element i takes the mask value of position i % 3.
  const float f[6] = {1.5f, -2.0f, 0.25f, 3.0f, -0.5f, 7.0f};
  const float mask[3] = {1.0f, 0.5f, 0.0f};
  float out[6];
  for (size_t i = 0; i < 6; ++i) mask_features_element(f, mask, out, 3, i);
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(double(out[i]), double(f[i]) * mask[i % 3]) << i;
}

TEST(ElementwiseRules, AxpyAndScale) {
  for (float a : kValues)
    for (float x : kValues) {
      const float y0 = 0.625f;
      float y = y0;
      axpy_element(a, &x, &y, 0);
      expect_close(y, double(y0) + double(a) * x, std::fabs(y0) + std::fabs(double(a) * x), "axpy");
      float scaled = x;
      scale_element(a, &scaled, 0);
      expect_close(scaled, double(a) * x, std::fabs(double(a) * x), "scale");
    }
}

TEST(ElementwiseRules, AdamHelpers) {
  for (float alpha : {0.1f, -0.999f, 1.0f})
    for (float a : kValues)
      for (float b : kValues) {
        const float y0 = -0.375f;
        float y = y0;
        add_product_element(alpha, &a, &b, &y, 0);
        const double product = double(alpha) * a * b;
        expect_close(y, y0 + product, std::fabs(y0) + std::fabs(product), "add_product");
        if (b == 0.0f) continue;
        y = y0;
        add_quotient_element(alpha, &a, &b, &y, 0);
        const double quotient = double(alpha) * a / b;
        expect_close(y, y0 + quotient, std::fabs(y0) + std::fabs(quotient), "add_quotient");
      }
  for (float x : kValues) {
    if (x < 0) continue;
    float y = 0.0f;
    sqrt_plus_element(&x, 1e-8f, &y, 0);
    expect_close(y, std::sqrt(double(x)) + 1e-8, std::sqrt(double(x)) + 1e-8, "sqrt_plus");
  }
  // The square root is IEEE's: exact on squares.
  const float sixteen = 16.0f;
  float root = 0.0f;
  sqrt_plus_element(&sixteen, 0.5f, &root, 0);
  EXPECT_EQ(root, 4.5f);
}

TEST(ElementwiseRules, ScalarSelectTreatsNaNAsNonzero) {
  EXPECT_EQ(select_scalar(1.0f, 2.0f, 3.0f), 2.0f);
  EXPECT_EQ(select_scalar(-0.5f, 2.0f, 3.0f), 2.0f);
  EXPECT_EQ(select_scalar(0.0f, 2.0f, 3.0f), 3.0f);
  EXPECT_EQ(select_scalar(-0.0f, 2.0f, 3.0f), 3.0f);
  EXPECT_EQ(select_scalar(std::nanf(""), 2.0f, 3.0f), 2.0f);
}

}  // namespace
}  // namespace nsrg
