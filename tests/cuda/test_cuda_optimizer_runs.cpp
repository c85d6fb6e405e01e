// Whole optimizer runs on both backends: 20 L-BFGS steps and 20 Adam steps of the real
// objective (tests/engine/optimizer_run_support.h: built-in VGG-19, content + five style
// layers, 64 px) from the same start image, the GPU's loss history against the CPU's: the
// first evaluation (the same start image on both) within kFirstEvaluationTolerance, the best
// loss so far over the run within kOptimizerRunTolerance, and the GPU's best loss below 0.9x
// its first. Both tolerances are the ones tests/engine/test_fp32_sensitivity.cpp justifies
// from the CPU's own float32 spread (tests/engine/optimizer_run_tolerance.h). Without a
// device every test skips with "no CUDA device: skipped".
#include <cstdio>
#include <vector>

#include "tests/cuda/cuda_test_support.h"
#include "tests/engine/optimizer_run_support.h"
#include "tests/engine/optimizer_run_tolerance.h"

namespace nsrg::test {
namespace {

using namespace nsrg::testing;

class CudaOptimizerRun : public CudaParityTest,
                         public ::testing::WithParamInterface<OptimizerSettings::Kind> {};

TEST_P(CudaOptimizerRun, LossHistoryMatchesTheCpu) {
  const Model model = load_model("builtin:vgg19-random", "relu5_1");
  const OptimizerSettings settings = render_settings(GetParam());
  const std::vector<double> expected =
      optimizer_loss_history(*cpu, model, settings, kOptimizerRunSteps);
  const std::vector<double> actual =
      optimizer_loss_history(*cuda, model, settings, kOptimizerRunSteps);
  ASSERT_EQ(actual.size(), expected.size());
  const double first = first_evaluation_difference(actual, expected);
  const double difference = run_difference(actual, expected);
  std::printf(
      "%s: cpu loss %.9g -> %.6g, cuda %.9g -> %.6g; first evaluation difference %.3g, "
      "progress difference %.3g\n",
      settings.kind == OptimizerSettings::Kind::Adam ? "adam" : "lbfgs", expected.front(),
      expected.back(), actual.front(), actual.back(), first, difference);
  EXPECT_LE(first, kFirstEvaluationTolerance) << "the same start image evaluates differently";
  EXPECT_LE(difference, kOptimizerRunTolerance);
  EXPECT_TRUE(run_optimizes(actual)) << "the GPU run does not optimize";
}

INSTANTIATE_TEST_SUITE_P(Optimizers, CudaOptimizerRun,
                         ::testing::Values(OptimizerSettings::Kind::Lbfgs,
                                           OptimizerSettings::Kind::Adam),
                         [](const auto& info) {
                           return info.param == OptimizerSettings::Kind::Adam ? "Adam" : "Lbfgs";
                         });

}  // namespace
}  // namespace nsrg::test
