// CUDA/CPU parity of the optimizer vector ops (dot, asum, axpy, scale, sum_scalars) with
// constant and device-resident coefficients, at several sizes.
#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/core/error.h"
#include "tests/cuda/cuda_test_support.h"

namespace nsrg::test {
namespace {

using CudaVectorOps = CudaParityTest;

const Shape kShapes[] = {{1, 1, 1, 1}, {1, 1, 1, 1000}, {1, 3, 512, 384}, {1, 1, 1, 262145}};

TEST_F(CudaVectorOps, DotAndAsumMatchCpu) {
  unsigned seed = 700;
  for (const Shape& shape : kShapes) {
    const DotAndAsum r = dot_and_asum(shape, seed);
    seed += 2;
    // The dot of random signs can cancel: compare against the sum of |a_i b_i| instead.
    EXPECT_LE(std::fabs(r.cuda_dot - r.cpu_dot) / r.magnitude, 1e-6) << "dot " << shape.str();
    EXPECT_LE(std::fabs(r.cuda_asum - r.cpu_asum) / std::max(r.cpu_asum, 1e-30), 1e-6)
        << "asum " << shape.str();
  }
}

TEST_F(CudaVectorOps, AxpyAndScaleWithConstantAndDeviceCoefficients) {
  unsigned seed = 800;
  for (const Shape& shape : kShapes) {
    TensorPair x = random_pair(shape, seed++);
    TensorPair y = random_pair(shape, seed++);
    TensorPair coefficients = pair(Shape{1, 1, 1, 3}, {0.5f, -1.25f, 3.0f});
    cpu->axpy(0.3f, x.cpu, y.cpu);
    cuda->axpy(0.3f, x.cuda, y.cuda);
    expect_parity(y, 1e-6, msg("axpy constant ", shape.str()));
    cpu->axpy(Coef(2.0f, coefficients.cpu, 1), x.cpu, y.cpu);
    cuda->axpy(Coef(2.0f, coefficients.cuda, 1), x.cuda, y.cuda);
    expect_parity(y, 1e-6, msg("axpy device coefficient ", shape.str()));
    cpu->scale(Coef(-1.0f, coefficients.cpu, 2), y.cpu);
    cuda->scale(Coef(-1.0f, coefficients.cuda, 2), y.cuda);
    expect_parity(y, 1e-6, msg("scale device coefficient ", shape.str()));
    cpu->scale(0.125f, y.cpu);
    cuda->scale(0.125f, y.cuda);
    expect_parity(y, 1e-6, msg("scale constant ", shape.str()));
  }
}

TEST_F(CudaVectorOps, SumScalarsOverRanges) {
  const std::vector<float> values = random_values(300, 900, -10.0f, 10.0f);
  TensorPair scalars = pair(Shape{1, 1, 1, 300}, values);
  TensorPair out = filled_pair(Shape{1, 1, 1, 4}, 5.0f);
  const int ranges[][2] = {{0, 300}, {10, 1}, {299, 1}, {17, 0}};
  for (int k = 0; k < 4; ++k) {
    cpu->sum_scalars(scalars.cpu, ranges[k][0], ranges[k][1], slot(out.cpu, k));
    cuda->sum_scalars(scalars.cuda, ranges[k][0], ranges[k][1], slot(out.cuda, k));
  }
  const std::vector<float> expected = cpu->to_host(out.cpu), actual = cuda->to_host(out.cuda);
  EXPECT_NEAR(actual[0], expected[0], 1e-4);
  EXPECT_EQ(actual[1], values[10]);
  EXPECT_EQ(actual[2], values[299]);
  EXPECT_EQ(actual[3], 0.0f);
  EXPECT_EQ(expected[3], 0.0f);
}

}  // namespace
}  // namespace nsrg::test
