// CUDA/CPU parity of the optimizer vector ops (dot, asum, axpy, scale, sum_scalars) with
// constant and device-resident coefficients, at several sizes.
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
    TensorPair a = random_pair(shape, seed++);
    TensorPair b = random_pair(shape, seed++);
    TensorPair scalars = filled_pair(Shape{1, 1, 1, 2}, 0.0f);
    cpu->dot(a.cpu, b.cpu, slot(scalars.cpu, 0));
    cuda->dot(a.cuda, b.cuda, slot(scalars.cuda, 0));
    cpu->asum(a.cpu, slot(scalars.cpu, 1));
    cuda->asum(a.cuda, slot(scalars.cuda, 1));
    // The dot of random signs can cancel: compare against the sum of |a_i b_i| instead.
    const std::vector<float> ha = cpu->to_host(a.cpu), hb = cpu->to_host(b.cpu);
    double magnitude = 1e-30;
    for (size_t i = 0; i < ha.size(); ++i) magnitude += std::fabs(double(ha[i]) * hb[i]);
    EXPECT_LE(std::fabs(double(cuda->read_scalar(scalars.cuda, 0)) -
                        double(cpu->read_scalar(scalars.cpu, 0))) /
                  magnitude,
              1e-6)
        << "dot " << shape.str();
    expect_scalar_parity(scalars, 1, 1e-6, msg("asum ", shape.str()));
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
