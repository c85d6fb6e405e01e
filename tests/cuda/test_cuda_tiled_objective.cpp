// CUDA parity of tiled evaluation: copy_window against the CPU backend (a copy and an add are
// exact, so the results are equal), and the tiled objective on the GPU against the GPU's own
// whole-image evaluation and against the CPU's tiled one, within the first-evaluation
// tolerance the CPU-vs-GPU optimizer parity test uses (tests/engine/optimizer_run_tolerance.h).
#include <gtest/gtest.h>

#include "tests/cuda/cuda_test_support.h"
#include "tests/engine/optimizer_run_tolerance.h"
#include "tests/engine/tiled_objective_support.h"

namespace nsrg::test {
namespace {

using namespace nsrg::testing;
using CudaTiledEvaluation = CudaParityTest;

TEST_F(CudaTiledEvaluation, CopyWindowMatchesCpu) {
  unsigned seed = 1200;
  const Shape source{1, 64, 37, 29}, destination{1, 64, 50, 41};
  for (const bool accumulate : {false, true}) {
    TensorPair src = random_pair(source, seed++);
    TensorPair dst = random_pair(destination, seed++);
    const Window from{3, 5, 30, 21};
    cpu->copy_window(src.cpu, from, dst.cpu, 17, 20, accumulate);
    cuda->copy_window(src.cuda, from, dst.cuda, 17, 20, accumulate);
    expect_parity(dst, 0.0, accumulate ? "copy_window accumulate" : "copy_window");
  }
}

TEST_F(CudaTiledEvaluation, TiledObjectiveMatchesWholeAndCpu) {
  const TiledCase c{
      "relu5_1",     "relu5_1", "relu4_2", {"relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"},
      PoolKind::Max, true,      203,       181,
      {48}};
  const Evaluation whole = evaluate_case(*cuda, c, 0);
  const Evaluation tiled = evaluate_case(*cuda, c, 48);
  const Evaluation cpu_tiled = evaluate_case(*cpu, c, 48);
  EXPECT_LE(relative(tiled.losses.total, whole.losses.total), kFirstEvaluationTolerance);
  EXPECT_LE(relative(tiled.losses.total, cpu_tiled.losses.total), kFirstEvaluationTolerance);
  EXPECT_LE(relative_l2(tiled.gradient, whole.gradient), 10 * kFirstEvaluationTolerance);
  EXPECT_LE(relative_l2(tiled.gradient, cpu_tiled.gradient), 10 * kFirstEvaluationTolerance);
}

}  // namespace
}  // namespace nsrg::test
