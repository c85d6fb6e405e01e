// How far float32 rounding alone moves 20 optimizer steps of the real objective on the CPU
// backend: the run from the render's start image against the same run from that image
// scaled by (1 + 1e-6), a few ulps per element, the size of the differences a different
// summation order (another backend, another thread count) makes; and the first evaluation
// of the same start image with another summation order. The CUDA parity test of whole
// optimizer runs (tests/cuda/test_cuda_optimizer_runs.cpp) compares CPU and GPU loss
// histories with kOptimizerRunTolerance and their first evaluations with
// kFirstEvaluationTolerance; this test keeps both honest by checking that the CPU's own
// rounding-level spreads stay well inside them.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "engine/cpu/cpu_backend.h"
#include "tests/engine/optimizer_run_support.h"
#include "tests/engine/optimizer_run_tolerance.h"

namespace nsrg {
namespace {

using namespace nsrg::testing;

class Fp32Sensitivity : public ::testing::TestWithParam<OptimizerSettings::Kind> {};

TEST_P(Fp32Sensitivity, RoundingLevelSpreadIsWellInsideTheParityTolerance) {
  auto backend = make_cpu_backend();
  const Model model = load_model("builtin:vgg19-random", "relu5_1");
  const OptimizerSettings settings = render_settings(GetParam());
  const std::vector<double> reference =
      optimizer_loss_history(*backend, model, settings, kOptimizerRunSteps);
  const std::vector<double> perturbed =
      optimizer_loss_history(*backend, model, settings, kOptimizerRunSteps, 1e-6);
  const double spread = run_difference(perturbed, reference);
  std::printf("%s: loss %.9g -> %.6g in %d steps; rounding-level spread %.3g (tolerance %.3g)\n",
              settings.kind == OptimizerSettings::Kind::Adam ? "adam" : "lbfgs", reference.front(),
              reference.back(), kOptimizerRunSteps, spread, kOptimizerRunTolerance);
  EXPECT_TRUE(run_optimizes(reference)) << "the run does not optimize";
  EXPECT_GT(spread, 0.0) << "the perturbation changed nothing: it measures nothing";
  EXPECT_LE(spread * kOptimizerRunMargin, kOptimizerRunTolerance);
}

// The first evaluation, where the CPU and the GPU evaluate the very same start image: the
// scaled start image above does not move it (at N(0,1) x 0.001 the loss is the targets' own
// size, 3.8e12, and a 1e-6 change of a near-zero image is lost in it), so its spread is
// measured the way another backend differs, by another summation order of the same input:
// the Grams' pixels added in K-partials of at most 700 pixels instead of the default depth (5
// partials of 551 and 615 pixels at relu1_1, across the GEMM kernel's own K blocks). (The thread
// count no longer changes any sum: tests/cpu/test_cpu_thread_independence.cpp.)
TEST(Fp32SensitivityFirstEvaluation, SummationOrderSpreadIsWellInsideItsTolerance) {
  BackendOptions other_order;
  other_order.gram_tile_depth = 700;
  auto reference_backend = make_cpu_backend();
  auto other_backend = make_cpu_backend(other_order);
  const Model model = load_model("builtin:vgg19-random", "relu5_1");
  const OptimizerSettings settings = render_settings(OptimizerSettings::Kind::Lbfgs);
  const std::vector<double> reference =
      optimizer_loss_history(*reference_backend, model, settings, 1);
  const std::vector<double> other = optimizer_loss_history(*other_backend, model, settings, 1);
  const double spread = first_evaluation_difference(other, reference);
  std::printf(
      "first evaluation: %s %.9g, Gram K-partials of <= 700 %.9g; spread %.3g "
      "(tolerance %.3g)\n",
      reference_backend->description().c_str(), reference.front(), other.front(), spread,
      kFirstEvaluationTolerance);
  ASSERT_TRUE(std::isfinite(reference.front()));
  EXPECT_GT(spread, 0.0) << "the other summation order changed nothing: it measures nothing";
  EXPECT_LE(spread * kFirstEvaluationMargin, kFirstEvaluationTolerance);
}

INSTANTIATE_TEST_SUITE_P(Optimizers, Fp32Sensitivity,
                         ::testing::Values(OptimizerSettings::Kind::Lbfgs,
                                           OptimizerSettings::Kind::Adam),
                         [](const auto& info) {
                           return info.param == OptimizerSettings::Kind::Adam ? "Adam" : "Lbfgs";
                         });

}  // namespace
}  // namespace nsrg
