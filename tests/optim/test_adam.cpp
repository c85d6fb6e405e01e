// Adam on the CPU backend against the numpy transcription of optim.adam
// (reference_trajectories.h), plus its first step worked by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/cpu/cpu_backend.h"
#include "engine/optim/optimizer.h"
#include "tests/optim/optim_test_util.h"
#include "tests/optim/reference_trajectories.h"

namespace nsrg {
namespace {

using optim_test::expect_trajectory;
using optim_test::quadratic_gradient;
using optim_test::rosenbrock_gradient;
using optim_test::run_steps;

OptimizerSettings adam_settings(float learning_rate) {
  OptimizerSettings settings;
  settings.kind = OptimizerSettings::Kind::Adam;
  settings.learning_rate = learning_rate;
  return settings;
}

TEST(Adam, FirstStepByHand) {
  // Step 1: m = 0.1 g, v = 0.001 g^2, step size lr sqrt(1 - 0.999) / (1 - 0.9), so
  // x -= step m / (sqrt(v) + 1e-8), which is lr sign(g) up to the epsilon.
  auto backend = make_cpu_backend();
  auto optimizer = make_optimizer(*backend, adam_settings(0.1f), Shape{1, 1, 1, 2});
  const auto got = run_steps(*backend, *optimizer, {2.0f, -1.0f}, quadratic_gradient, 1);
  const double g[2] = {1.0, 100.0};  // quadratic gradient at (2, -1)
  const double step = 0.1 * std::sqrt(1.0 - 0.999) / (1.0 - 0.9);
  const double x0[2] = {2.0, -1.0};
  std::vector<std::array<double, 2>> want(1);
  for (int i = 0; i < 2; ++i) {
    const double m = 0.1 * g[i];
    const double v = 0.001 * g[i] * g[i];
    want[0][size_t(i)] = x0[i] - step * m / (std::sqrt(v) + 1e-8);
  }
  expect_trajectory(got, want);
  EXPECT_NEAR(want[0][0], 1.9, 1e-6);
  EXPECT_NEAR(want[0][1], -1.1, 1e-6);
}

TEST(Adam, QuadraticMatchesReference) {
  auto backend = make_cpu_backend();
  auto optimizer = make_optimizer(*backend, adam_settings(0.1f), Shape{1, 1, 1, 2});
  const auto& want = optim_reference::kQuadraticAdam;
  const auto got =
      run_steps(*backend, *optimizer, {2.0f, -1.0f}, quadratic_gradient, int(want.size()));
  expect_trajectory(got, want);
  EXPECT_FALSE(optimizer->stopped());
  EXPECT_EQ(optimizer->name(), "adam");
}

TEST(Adam, RosenbrockMatchesReference) {
  auto backend = make_cpu_backend();
  auto optimizer = make_optimizer(*backend, adam_settings(0.05f), Shape{1, 1, 1, 2});
  const auto& want = optim_reference::kRosenbrockAdam;
  const auto got =
      run_steps(*backend, *optimizer, {-0.5f, 1.5f}, rosenbrock_gradient, int(want.size()));
  expect_trajectory(got, want);
}

}  // namespace
}  // namespace nsrg
