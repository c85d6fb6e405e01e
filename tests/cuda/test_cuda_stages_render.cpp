// A 2-stage render ([[stages]]: 32 px L-BFGS, then 64 px Adam from the first stage's result
// resized) through the whole RenderSession on the CPU and on the GPU: both stages at the
// same sizes; stage 1's first evaluation (the same random start image on both) within
// kFirstEvaluationTolerance; every stage's best loss so far within kOptimizerRunTolerance
// (stage 2 starts from each backend's own stage 1 result, so its first evaluation is held
// to the run tolerance); and the GPU's Adam stage makes progress. The stage hand-over on the
// device (resize_for_stage, the per-stage targets and optimizer) is what no other CUDA test
// runs.
// Skips with "no CUDA device: skipped" without a device.
#include <cstdio>

#include "tests/cuda/cuda_render_support.h"
#include "tests/cuda/cuda_test_support.h"
#include "tests/engine/optimizer_run_support.h"
#include "tests/engine/optimizer_run_tolerance.h"
#include "tests/engine/render_test_support.h"

namespace nsrg::test {
namespace {

using namespace nsrg::testing;

using CudaStagesRender = CudaParityTest;

TEST_F(CudaStagesRender, TwoStagesMatchTheCpu) {
  const auto dir = make_scratch_dir("cuda_stages");
  const auto config = write_config(dir, 16, 1,
                                   "[[stages]]\nimage_size = 32\niterations = 10\n"
                                   "[[stages]]\nimage_size = 64\niterations = 10\n"
                                   "optimizer = \"adam\"\n");
  const std::vector<RenderedImage> cpu_images =
      render(config, {"output.print_iter=1", "output.path=\"cpu/x.png\""});
  const std::vector<RenderedImage> cuda_images =
      render(config, {"backend=\"cuda\"", "output.print_iter=1", "output.path=\"cuda/x.png\""});
  ASSERT_EQ(cpu_images.size(), 1u);
  ASSERT_EQ(cuda_images.size(), 1u);
  const RenderedImage &cpu_image = cpu_images[0], &cuda_image = cuda_images[0];
  ASSERT_EQ(cuda_image.stages.size(), 2u);
  ASSERT_EQ(cpu_image.stages.size(), 2u);
  for (size_t s = 0; s < 2; ++s) {
    const StageResult &expected = cpu_image.stages[s], &actual = cuda_image.stages[s];
    EXPECT_EQ(actual.width, expected.width) << "stage " << s + 1;
    EXPECT_EQ(actual.height, expected.height) << "stage " << s + 1;
    EXPECT_EQ(actual.evaluations, 10) << "stage " << s + 1;
    const std::vector<double> cpu_losses = totals(expected.history);
    const std::vector<double> cuda_losses = totals(actual.history);
    ASSERT_EQ(cuda_losses.size(), cpu_losses.size()) << "stage " << s + 1;
    const double first = first_evaluation_difference(cuda_losses, cpu_losses);
    const double difference = run_difference(cuda_losses, cpu_losses);
    std::printf(
        "stage %zu (%dx%d): cpu %.9g -> %.6g, cuda %.9g -> %.6g; first evaluation "
        "difference %.3g, progress difference %.3g\n",
        s + 1, actual.width, actual.height, cpu_losses.front(), cpu_losses.back(),
        cuda_losses.front(), cuda_losses.back(), first, difference);
    if (s == 0) {
      EXPECT_LE(first, kFirstEvaluationTolerance) << "the same start image";
    }
    EXPECT_LE(difference, kOptimizerRunTolerance) << "stage " << s + 1;
    // Ten L-BFGS steps from noise lower the loss only ~5% (a tiny first step, then
    // overshoots); the Adam stage falls ~5x.
    if (s == 1) {
      EXPECT_TRUE(run_optimizes(cuda_losses)) << "stage 2 on the GPU";
    }
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nsrg::test
