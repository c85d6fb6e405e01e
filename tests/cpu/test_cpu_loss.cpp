// CPU loss tests: mse_loss value and gradient, add_weighted_gradient (plain and L1
// normalized) against loops, tv_loss value against a loop and gradient against finite
// differences.
#include "tests/cpu/cpu_test_support.h"

namespace nsrg::test {
namespace {

double naive_tv(const std::vector<float>& x, const Shape& s) {
  double energy = 0.0;
  for (int c = 0; c < s.c; ++c)
    for (int i = 0; i + 1 < s.h; ++i)
      for (int j = 0; j + 1 < s.w; ++j) {
        const double v = x[(size_t(c) * s.h + i) * s.w + j];
        const double right = v - x[(size_t(c) * s.h + i) * s.w + j + 1];
        const double down = v - x[(size_t(c) * s.h + i + 1) * s.w + j];
        energy += right * right + down * down;
      }
  return energy;
}

TEST_F(CpuBackendTest, MseLossValueAndGradient) {
  const Shape shape{1, 3, 512, 700};  // parallel, many reduction blocks
  const std::vector<float> x = random_values(shape.numel(), 41);
  const std::vector<float> t = random_values(shape.numel(), 42);
  const float weight = 3.5f;
  Tensor tx = tensor(shape, x), tt = tensor(shape, t), grad = backend->empty(shape);
  Tensor slots = backend->zeros({1, 1, 1, 4});
  backend->mse_loss(tx, tt, weight, {&slots, 2}, grad);
  double squares = 0.0;
  std::vector<double> expected_grad(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const double d = double(x[i]) - t[i];
    squares += d * d;
    expected_grad[i] = 2.0 * d / double(x.size());
  }
  EXPECT_NEAR(backend->read_scalar(slots, 2), weight * squares / x.size(),
              1e-6 * weight * squares / x.size());
  EXPECT_EQ(backend->read_scalar(slots, 0), 0.0f);
  EXPECT_LT(relative_error(host(grad), expected_grad), 1e-6);
}

TEST_F(CpuBackendTest, MseLossGradientMatchesFiniteDifferences) {
  const Shape shape{1, 2, 3, 5};
  const std::vector<float> x = random_values(shape.numel(), 43);
  const std::vector<float> t = random_values(shape.numel(), 44);
  Tensor tx = tensor(shape, x), tt = tensor(shape, t), grad = backend->empty(shape);
  Tensor slot = backend->zeros({1, 1, 1, 1});
  backend->mse_loss(tx, tt, 1.0f, {&slot, 0}, grad);
  auto loss = [&](const std::vector<float>& point) {
    Tensor px = tensor(shape, point), g = backend->empty(shape);
    backend->mse_loss(px, tt, 1.0f, {&slot, 0}, g);
    return double(backend->read_scalar(slot, 0));
  };
  expect_gradient_matches(loss, x, host(grad), 1e-2, 2e-3, 30);
}

TEST_F(CpuBackendTest, AddWeightedGradientPlainAndNormalized) {
  const Shape shape{1, 3, 512, 700};
  const std::vector<float> g = random_values(shape.numel(), 45);
  const std::vector<float> a = random_values(shape.numel(), 46);
  Tensor tg = tensor(shape, g), acc = tensor(shape, a);
  backend->add_weighted_gradient(tg, 2.5f, false, acc);
  std::vector<double> expected(a.size());
  for (size_t i = 0; i < a.size(); ++i) expected[i] = a[i] + 2.5 * g[i];
  EXPECT_LT(relative_error(host(acc), expected), 1e-6);

  double l1 = 0.0;
  for (float v : g) l1 += std::fabs(v);
  Tensor acc2 = tensor(shape, a);
  backend->add_weighted_gradient(tg, 2.5f, true, acc2);
  for (size_t i = 0; i < a.size(); ++i) expected[i] = a[i] + 2.5 * g[i] / (l1 + 1e-8);
  EXPECT_LT(relative_error(host(acc2), expected), 1e-6);
}

TEST_F(CpuBackendTest, AddWeightedGradientNormalizedOfZeroGradientIsFinite) {
  Tensor zero = backend->zeros({1, 1, 4, 4});
  Tensor acc = backend->zeros({1, 1, 4, 4});
  backend->add_weighted_gradient(zero, 1.0f, true, acc);
  EXPECT_EQ(host(acc), std::vector<float>(16, 0.0f));
}

TEST_F(CpuBackendTest, NormalizedWeightedGradientMatchesNormalizedFiniteDifferences) {
  // mse_loss then add_weighted_gradient(normalize) gives w * dL/dx / ||dL/dx||_1: compare
  // with every coordinate of a central-difference gradient, normalized the same way.
  const Shape shape{1, 2, 3, 4};
  const std::vector<float> x = random_values(shape.numel(), 49);
  const std::vector<float> t = random_values(shape.numel(), 50);
  const float weight = 7.0f;
  Tensor tx = tensor(shape, x), tt = tensor(shape, t), grad = backend->empty(shape);
  Tensor slot = backend->zeros({1, 1, 1, 1});
  Tensor acc = backend->zeros(shape);
  backend->mse_loss(tx, tt, 1.0f, {&slot, 0}, grad);
  backend->add_weighted_gradient(grad, weight, true, acc);
  auto loss = [&](std::vector<float> point) {
    double sum = 0.0;
    for (size_t i = 0; i < point.size(); ++i) sum += (double(point[i]) - t[i]) * (point[i] - t[i]);
    return sum / double(point.size());
  };
  std::vector<double> numeric(x.size());
  double l1 = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    std::vector<float> plus = x, minus = x;
    plus[i] += 1e-2f;
    minus[i] -= 1e-2f;
    numeric[i] = (loss(plus) - loss(minus)) / (double(plus[i]) - double(minus[i]));
    l1 += std::fabs(numeric[i]);
  }
  for (double& v : numeric) v *= weight / (l1 + 1e-8);
  EXPECT_LT(relative_error(host(acc), numeric), 1e-4);
}

TEST_F(CpuBackendTest, TvLossValueAndGradient) {
  const Shape shape{1, 3, 7, 9};
  const std::vector<float> x = random_values(shape.numel(), 47);
  const std::vector<float> base = random_values(shape.numel(), 48);
  const float weight = 0.8f;
  Tensor tx = tensor(shape, x), grad = tensor(shape, base);
  Tensor slot = backend->zeros({1, 1, 1, 1});
  backend->tv_loss(tx, weight, {&slot, 0}, grad);
  const double expected = 0.5 * weight * naive_tv(x, shape);
  EXPECT_NEAR(backend->read_scalar(slot, 0), expected, 1e-6 * expected);
  // The gradient is added to what grad held.
  std::vector<float> added = host(grad);
  for (size_t i = 0; i < added.size(); ++i) added[i] -= base[i];
  auto loss = [&](const std::vector<float>& point) {
    return 0.5 * weight * naive_tv(point, shape);
  };
  expect_gradient_matches(loss, x, added, 1e-2, 1e-5, 200);
}

TEST_F(CpuBackendTest, TvLossOfSingleRowIsZero) {
  Tensor x = tensor({1, 1, 1, 5}, {1, 2, 3, 4, 5});
  Tensor grad = backend->zeros({1, 1, 1, 5});
  Tensor slot = backend->zeros({1, 1, 1, 1});
  backend->tv_loss(x, 1.0f, {&slot, 0}, grad);
  EXPECT_EQ(backend->read_scalar(slot, 0), 0.0f);
  EXPECT_EQ(host(grad), std::vector<float>(5, 0.0f));
}

}  // namespace
}  // namespace nsrg::test
