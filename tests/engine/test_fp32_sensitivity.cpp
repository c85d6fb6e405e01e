// How far float32 rounding alone moves 20 optimizer steps of the real objective on the CPU
// backend: the run from the render's start image against the same run from that image
// scaled by (1 + 1e-6), a few ulps per element, the size of the differences a different
// summation order (another backend, another thread count) makes. The CUDA parity test of
// whole optimizer runs (tests/cuda/test_cuda_optimizer_runs.cpp) compares CPU and GPU loss
// histories with kOptimizerRunTolerance; this test keeps that tolerance honest by checking
// that the CPU's own rounding-level spread stays well inside it.
#include <gtest/gtest.h>

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
  std::printf("%s: loss %.6g -> %.6g in %d steps; rounding-level spread %.3g (tolerance %.3g)\n",
              settings.kind == OptimizerSettings::Kind::Adam ? "adam" : "lbfgs", reference.front(),
              reference.back(), kOptimizerRunSteps, spread, kOptimizerRunTolerance);
  EXPECT_LT(reference.back(), reference.front() * 0.9) << "the run does not optimize";
  EXPECT_GT(spread, 0.0) << "the perturbation changed nothing: it measures nothing";
  EXPECT_LE(spread * kOptimizerRunMargin, kOptimizerRunTolerance);
}

INSTANTIATE_TEST_SUITE_P(Optimizers, Fp32Sensitivity,
                         ::testing::Values(OptimizerSettings::Kind::Lbfgs,
                                           OptimizerSettings::Kind::Adam),
                         [](const auto& info) {
                           return info.param == OptimizerSettings::Kind::Adam ? "Adam" : "Lbfgs";
                         });

}  // namespace
}  // namespace nsrg
