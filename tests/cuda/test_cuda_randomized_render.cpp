// One randomized render (scale_eigenvectors, 2 variants, 20 L-BFGS steps at 64 px) through
// the whole RenderSession on the CPU and on the GPU: each variant's loss history within the
// optimizer-run tolerance (tests/engine/optimizer_run_tolerance.h), and its image closer to
// the CPU's than the two variants are to each other (a CPU-vs-GPU difference of the size of a
// change of variant means the GPU rendered another style). Skips with "no CUDA device:
// skipped" without a device.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "engine/image/image.h"
#include "tests/cuda/cuda_render_support.h"
#include "tests/cuda/cuda_test_support.h"
#include "tests/engine/optimizer_run_support.h"
#include "tests/engine/optimizer_run_tolerance.h"
#include "tests/engine/render_test_support.h"

namespace nsrg::test {
namespace {

using namespace nsrg::testing;

using CudaRandomizedRender = CudaParityTest;

TEST_F(CudaRandomizedRender, ScaleEigenvectorsTwoVariantsMatchTheCpu) {
  const auto dir = make_scratch_dir("cuda_randomized");
  const auto config = write_config(dir, 64, kOptimizerRunSteps,
                                   "[randomize]\nmode = \"scale_eigenvectors\"\nvariants = 2\n");
  const std::vector<RenderedImage> cpu_images =
      render(config, {"output.print_iter=1", "output.path=\"cpu/x.png\""});
  const std::vector<RenderedImage> cuda_images =
      render(config, {"backend=\"cuda\"", "output.print_iter=1", "output.path=\"cuda/x.png\""});
  ASSERT_EQ(cpu_images.size(), 2u);
  ASSERT_EQ(cuda_images.size(), 2u);
  const double between_variants =
      mean_abs_difference(read_image(cpu_images[0].path), read_image(cpu_images[1].path));
  for (size_t v = 0; v < 2; ++v) {
    ASSERT_EQ(cuda_images[v].evaluations, kOptimizerRunSteps);
    const double loss_difference =
        run_difference(totals(cuda_images[v].history), totals(cpu_images[v].history));
    const double pixels =
        mean_abs_difference(read_image(cuda_images[v].path), read_image(cpu_images[v].path));
    std::printf(
        "variant %zu: loss history difference %.3g, mean |cuda - cpu| %.3g (of 1), "
        "variants a vs b %.3g\n",
        v, loss_difference, pixels, between_variants);
    EXPECT_LE(loss_difference, kOptimizerRunTolerance) << "variant " << v;
    EXPECT_LT(pixels * 4.0, between_variants) << "variant " << v;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nsrg::test
