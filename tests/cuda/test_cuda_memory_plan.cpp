// The memory plan of a render on the GPU: the planned Tensor peak against the CUDA backend's
// measured one (as tests/engine/test_memory_plan.cpp checks the CPU's), and the automatic
// L-BFGS history cap driven by the GPU's available-memory figure: with all but a little of
// the device's free memory held by another backend, a render whose full history does not fit
// is capped and then runs to the end in what is left (the plan's total is an upper bound of
// what the render takes from the device). Skips with "no CUDA device: skipped" without a device.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/cuda/cuda_test_support.h"
#include "tests/engine/memory_plan_test_support.h"
#include "tests/engine/render_test_support.h"

namespace nsrg::test {
namespace {

using namespace nsrg::testing;

using CudaMemoryPlanRender = CudaParityTest;

TEST_F(CudaMemoryPlanRender, PlanMatchesThePeakTensorMemory) {
  for (int size : {64, 256}) {
    const auto dir = make_scratch_dir("cuda_plan" + std::to_string(size));
    render(write_config(dir, size, 3), {"backend=\"cuda\""});
    SCOPED_TRACE(size);
    expect_plan_within_15_percent(dir);
    std::filesystem::remove_all(dir);
  }
}

TEST_F(CudaMemoryPlanRender, HistoryIsCappedToTheGpusFreeMemoryAndTheRenderFits) {
  // At 256 px (256x170) one history pair is 2 x 0.5 MiB: 400 pairs are ~400 MiB.
  const auto dir = make_scratch_dir("cuda_plan_cap");
  const auto config = write_config(dir, 256, 3);
  const std::vector<std::string> overrides{"backend=\"cuda\"", "optimizer.history=400"};
  render(config, overrides);
  const double full_plan = summary_of(dir)["memory_plan"]["total_bytes"].get<double>();
  std::filesystem::remove(dir / "out/render.json");

  // Leave the render the full plan less ~200 pairs: it must cap the history near 200.
  const double leave = full_plan - 200.0 * (1 << 20);
  const double free_now = double(cuda_device_free_bytes());
  ASSERT_GT(free_now, leave + double(1 << 30)) << "too little free device memory for this test";
  const int hog_mib = int((free_now - leave) / double(1 << 20));
  Tensor hog = cuda->empty(Shape{1, hog_mib, 1 << 18, 1});  // 2^18 floats = 1 MiB a channel
  cuda->fill(hog, 0.0f);
  cuda->synchronize();

  std::ostringstream log;
  RenderSession session(load_config(config.string(), overrides), log);
  session.run();
  const nlohmann::json summary = summary_of(dir);
  const double capped_plan = summary["memory_plan"]["total_bytes"].get<double>();
  std::printf("full plan %.1f MiB; left %.1f MiB by a hog of %d MiB; capped plan %.1f MiB\n",
              full_plan / (1 << 20), leave / (1 << 20), hog_mib, capped_plan / (1 << 20));
  EXPECT_NE(log.str().find("L-BFGS history capped at "), std::string::npos) << log.str();
  EXPECT_NE(log.str().find("the GPU's free memory"), std::string::npos) << log.str();
  EXPECT_LT(capped_plan, full_plan);
  ASSERT_EQ(session.images().size(), 1u);
  EXPECT_EQ(session.images()[0].evaluations, 3) << "the capped render ran to the end";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nsrg::test
