// The loss rules of engine/core/loss_rules.h (shared by the CPU backend and the CUDA kernels):
// values against naive float64 loops written here, gradients against central finite
// differences of the loss computed through the same rules.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/core/loss_rules.h"

namespace nsrg {
namespace {

// x[i] = a smooth, irregular function of i, of magnitude about 1.
std::vector<float> sample(size_t count, double phase) {
  std::vector<float> x(count);
  for (size_t i = 0; i < count; ++i) x[i] = float(std::sin(0.7 * double(i) + phase) + 0.1 * phase);
  return x;
}

// The central difference (loss(x + h e_k) - loss(x - h e_k)) / 2h, x restored after. h is a
// power of two, so x +- h is exact for |x| < 2; for these quadratic losses the difference
// is the derivative up to rounding.
template <typename Loss>
double central_difference(std::vector<float>& x, size_t k, Loss loss) {
  const float h = 1.0f / 64;
  const float saved = x[k];
  x[k] = saved + h;
  const double plus = loss(x);
  x[k] = saved - h;
  const double minus = loss(x);
  x[k] = saved;
  return (plus - minus) / (2.0 * h);
}

// The MSE loss of x through the shared rules (the gradient goes to `grad`).
double mse_loss(const std::vector<float>& x, const std::vector<float>& target, float weight,
                std::vector<float>& grad) {
  grad.assign(x.size(), 0.0f);
  const float scale = mse_gradient_scale(x.size());
  double squares = 0.0;
  for (size_t i = 0; i < x.size(); ++i)
    squares += mse_element(x.data(), target.data(), scale, grad.data(), i);
  return mse_loss_value(weight, squares, x.size());
}

TEST(LossRules, MseValueAndGradientMatchTheFormula) {
  const std::vector<float> x = sample(37, 0.0), target = sample(37, 1.3);
  const float weight = 2.5f;
  std::vector<float> grad;
  const double loss = mse_loss(x, target, weight, grad);
  double want = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double d = double(x[i]) - double(target[i]);
    want += d * d;
    EXPECT_NEAR(grad[i], 2.0 * d / 37.0, 1e-7 * (std::fabs(2.0 * d / 37.0) + 1e-3)) << i;
  }
  want *= double(weight) / 37.0;
  EXPECT_NEAR(loss, want, 1e-6 * want);
  EXPECT_EQ(mse_gradient_scale(37), 2.0f / 37.0f);
  EXPECT_EQ(mse_gradient_scale(0), 2.0f);  // an empty input counts as one element
  EXPECT_EQ(mse_loss_value(3.0f, 0.0, 0), 0.0);
}

TEST(LossRules, MseGradientIsTheDerivativeOfTheLoss) {
  std::vector<float> x = sample(23, 0.4);
  const std::vector<float> target = sample(23, 2.0);
  const float weight = 1.75f;
  std::vector<float> grad;
  mse_loss(x, target, weight, grad);
  for (size_t k = 0; k < x.size(); ++k) {
    const double numeric = central_difference(x, k, [&](const std::vector<float>& at) {
      std::vector<float> unused;
      return mse_loss(at, target, weight, unused);
    });
    EXPECT_NEAR(double(weight) * grad[k], numeric, 3e-5) << k;
  }
}

TEST(LossRules, WeightedGradientFactorHasOneEpsilon) {
  EXPECT_EQ(weighted_gradient_factor(2.5f, nullptr), 2.5f);
  const double l1 = 123.456;
  EXPECT_EQ(weighted_gradient_factor(2.5f, &l1), float(2.5 / (123.456 + 1e-8)));
  const double zero = 0.0;
  EXPECT_EQ(weighted_gradient_factor(2.0f, &zero), float(2.0 / 1e-8));
  EXPECT_EQ(kGradientNormEpsilon, 1e-8);
}

struct Planes {
  int planes, height, width;
  size_t count() const { return size_t(planes) * size_t(height) * size_t(width); }
};

// The TV loss of x through the shared rules; weight times the gradient is ADDED to grad.
double tv_loss(const std::vector<float>& x, const Planes& p, float weight,
               std::vector<float>& grad) {
  double energy = 0.0;
  for (size_t index = 0; index < p.count(); ++index) {
    const int j = int(index % size_t(p.width));
    const int i = int((index / size_t(p.width)) % size_t(p.height));
    energy += tv_element(x.data() + index, i, j, p.height, p.width, weight, grad.data() + index);
  }
  return tv_loss_value(weight, energy);
}

TEST(LossRules, TotalVariationValueMatchesTheFormula) {
  const Planes p{2, 4, 5};
  const std::vector<float> x = sample(p.count(), 0.9);
  std::vector<float> grad(p.count(), 0.0f);
  const float weight = 0.3f;
  const double loss = tv_loss(x, p, weight, grad);
  double want = 0.0;
  for (int plane = 0; plane < p.planes; ++plane)
    for (int i = 0; i + 1 < p.height; ++i)
      for (int j = 0; j + 1 < p.width; ++j) {
        const size_t at = (size_t(plane) * p.height + i) * p.width + j;
        const double right = double(x[at]) - x[at + 1], down = double(x[at]) - x[at + p.width];
        want += right * right + down * down;
      }
  want *= 0.5 * double(weight);
  EXPECT_NEAR(loss, want, 1e-6 * want);
}

TEST(LossRules, TotalVariationGradientIsTheDerivativeOfTheLoss) {
  for (const Planes p : {Planes{2, 4, 5}, Planes{1, 1, 6}, Planes{1, 5, 1}, Planes{3, 2, 2}}) {
    std::vector<float> x = sample(p.count(), 0.2);
    const float weight = 0.75f;
    std::vector<float> grad(p.count(), 0.5f);  // the rule adds to what is there
    tv_loss(x, p, weight, grad);
    for (size_t k = 0; k < x.size(); ++k) {
      const double numeric = central_difference(x, k, [&](const std::vector<float>& at) {
        std::vector<float> unused(p.count(), 0.0f);
        return tv_loss(at, p, weight, unused);
      });
      EXPECT_NEAR(double(grad[k]) - 0.5, numeric, 3e-5)
          << p.planes << "x" << p.height << "x" << p.width << " element " << k;
    }
  }
}

}  // namespace
}  // namespace nsrg
