// CUDA/CPU parity of the bf16 L-BFGS history (optimizer.history_precision = "bf16"): the
// ring ops on packed rows (stores bit-identical: both round with engine/core/ring_values.h) and a
// whole 20-step L-BFGS run (first evaluation, best loss so far, and progress, as the fp32
// runs of test_cuda_optimizer_runs.cpp). Without a device every test skips with "no CUDA
// device: skipped".
#include <cstdio>
#include <vector>

#include "engine/core/error.h"
#include "tests/cuda/cuda_test_support.h"
#include "tests/engine/optimizer_run_support.h"
#include "tests/engine/optimizer_run_tolerance.h"

namespace nsrg::test {
namespace {

using namespace nsrg::testing;
using CudaBf16History = CudaParityTest;

TEST_F(CudaBf16History, PackedRingRowsMatchCpu) {
  const int rows = 3;
  const Shape row_shape{1, 3, 17, 9};  // 459 values: odd, the last float holds one
  const Shape ring_shape{rows, 1, 1, (459 + 1) / 2};
  TensorPair ring = filled_pair(ring_shape, 0.0f);
  TensorPair counter = pair(Shape{1, 1, 1, 2}, {0.0f, 4.0f});
  unsigned seed = 2100;
  for (int step = 0; step < 4; ++step) {
    TensorPair x = random_pair(row_shape, seed++);
    cpu->ring_store(x.cpu, ring.cpu, RingRow{&counter.cpu, 0, step, true});
    cuda->ring_store(x.cuda, ring.cuda, RingRow{&counter.cuda, 0, step, true});
  }
  expect_parity(ring, 0.0, "bf16 ring_store");
  TensorPair x = random_pair(row_shape, seed++);
  for (int offset : {-5, -1, 0}) {
    TensorPair out = filled_pair(Shape{1, 1, 1, 1}, 42.0f);
    cpu->ring_dot(ring.cpu, RingRow{&counter.cpu, 1, offset, true}, x.cpu, nullptr,
                  slot(out.cpu, 0));
    cuda->ring_dot(ring.cuda, RingRow{&counter.cuda, 1, offset, true}, x.cuda, nullptr,
                   slot(out.cuda, 0));
    expect_parity(out, 1e-6, msg("bf16 ring_dot offset ", offset));
    TensorPair y = random_pair(row_shape, seed++);
    cpu->ring_axpy(Coef(-0.75f), ring.cpu, RingRow{&counter.cpu, 1, offset, true}, y.cpu);
    cuda->ring_axpy(Coef(-0.75f), ring.cuda, RingRow{&counter.cuda, 1, offset, true}, y.cuda);
    expect_parity(y, 1e-6, msg("bf16 ring_axpy offset ", offset));
  }
}

using CudaBf16HistoryRun = CudaParityTest;  // a whole run: "Run" keeps it out of memcheck

TEST_F(CudaBf16HistoryRun, LbfgsRunMatchesTheCpu) {
  const Model model = load_model("builtin:vgg19-random", "relu5_1");
  OptimizerSettings settings = render_settings(OptimizerSettings::Kind::Lbfgs);
  settings.history_precision = HistoryPrecision::Bf16;
  const std::vector<double> expected =
      optimizer_loss_history(*cpu, model, settings, kOptimizerRunSteps);
  const std::vector<double> actual =
      optimizer_loss_history(*cuda, model, settings, kOptimizerRunSteps);
  ASSERT_EQ(actual.size(), expected.size());
  const double first = first_evaluation_difference(actual, expected);
  const double difference = run_difference(actual, expected);
  std::printf(
      "bf16 lbfgs: cpu loss %.9g -> %.6g, cuda %.9g -> %.6g; first evaluation difference "
      "%.3g, progress difference %.3g\n",
      expected.front(), expected.back(), actual.front(), actual.back(), first, difference);
  EXPECT_LE(first, kFirstEvaluationTolerance) << "the same start image evaluates differently";
  EXPECT_LE(difference, kOptimizerRunTolerance);
  EXPECT_TRUE(run_optimizes(actual)) << "the GPU run with a bf16 history does not optimize";
}

}  // namespace
}  // namespace nsrg::test
