// Helpers of the optimizer tests: the test functions (gradients in double), a driver that
// runs an Optimizer on a backend and records x after every step, and trajectory checks.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <vector>

#include "engine/core/backend.h"
#include "engine/optim/optimizer.h"

namespace nsrg::optim_test {

// Gradient at x (float, as the optimizer holds it) computed in double, for step k (1-based).
using GradientFn = std::function<std::vector<double>(const std::vector<float>& x, int k)>;

// f = 1/2 sum a_i (x_i - c_i)^2 with a = (1, 100), c = (1, -2): the reference script's
// QUADRATIC_* constants.
inline std::vector<double> quadratic_gradient(const std::vector<float>& x, int /*k*/) {
  const double a[2] = {1.0, 100.0};
  const double c[2] = {1.0, -2.0};
  return {a[0] * (double(x[0]) - c[0]), a[1] * (double(x[1]) - c[1])};
}

// f = (1 - x0)^2 + 100 (x1 - x0^2)^2.
inline std::vector<double> rosenbrock_gradient(const std::vector<float>& x, int /*k*/) {
  const double a = x[0], b = x[1];
  return {-2.0 * (1.0 - a) - 400.0 * a * (b - a * a), 200.0 * (b - a * a)};
}

// Runs `steps` steps from x0 (the render loop's order: gradient at x, then step) and
// returns x after each step; after_step(k), when given, runs after step k.
inline std::vector<std::vector<float>> run_steps(Backend& backend, Optimizer& optimizer,
                                                 const std::vector<float>& x0,
                                                 const GradientFn& gradient, int steps,
                                                 const std::function<void(int)>& after_step = {}) {
  const Shape shape{1, 1, 1, int(x0.size())};
  Tensor x = backend.from_host(shape, x0.data());
  Tensor grad = backend.empty(shape);
  Tensor loss = backend.zeros(Shape{1, 1, 1, 1});
  std::vector<std::vector<float>> trajectory;
  for (int k = 1; k <= steps; ++k) {
    const std::vector<double> g = gradient(backend.to_host(x), k);
    const std::vector<float> g_float(g.begin(), g.end());
    backend.upload(g_float.data(), grad);
    optimizer.step(x, grad, ScalarSlot{&loss, 0});
    trajectory.push_back(backend.to_host(x));
    if (after_step) after_step(k);
  }
  return trajectory;
}

// Every step of got within `tolerance` relative of want: |got - want| <= tolerance * |want|_inf
// per step (the first failing step is reported).
template <typename Want>
void expect_trajectory(const std::vector<std::vector<float>>& got, const Want& want,
                       double tolerance = 1e-5) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t k = 0; k < got.size(); ++k) {
    double scale = 1e-12;
    for (size_t i = 0; i < want[k].size(); ++i)
      scale = std::max(scale, std::fabs(double(want[k][i])));
    for (size_t i = 0; i < want[k].size(); ++i) {
      ASSERT_NEAR(got[k][i], want[k][i], tolerance * scale)
          << "step " << k + 1 << ", element " << i;
    }
  }
}

}  // namespace nsrg::optim_test
