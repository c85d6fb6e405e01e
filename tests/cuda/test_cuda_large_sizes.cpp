// CUDA/CPU parity at sizes past the kernels' launch caps: a reduction's first pass has at most
// kernels::kReducePartials (1024) blocks of 256 threads, so above 1024 x 256 x 4 = 1.05M
// elements each thread loops; a grid-stride launch has at most 65536 blocks of 256 threads,
// so above 16.8M elements each thread takes several elements. Every other parity test stays
// under both. Here ~20M floats (80 MB a tensor; the odd sizes leave a ragged last stride):
// fill, axpy, scale, ReLU and the Adam helpers (grid-stride), dot, asum, the MSE and TV
// losses, the L1-normalized gradient and the L-BFGS ring rows (reductions). Reductions are
// also checked against a double-precision loop over the host copies. Without a device every
// test skips with "no CUDA device: skipped".
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "engine/core/error.h"
#include "tests/cuda/cuda_test_support.h"

namespace nsrg::test {
namespace {

using CudaLargeSizes = CudaParityTest;

// 20,000,003 values: 1.19 full grid strides of 65536 x 256, 19 x the reduction threshold.
const Shape kVector{1, 1, 1, 20000003};
// Image-shaped: 3 x 2583 x 2581 = 20.0M values (for TV, which needs H and W).
const Shape kImage{1, 3, 2583, 2581};
// Feature-shaped: 21 x 1001 x 953 = 20.0M values.
const Shape kFeatures{1, 21, 1001, 953};

TEST_F(CudaLargeSizes, FillAxpyScaleAndReluCoverEveryElement) {
  TensorPair x = random_pair(kVector, 3000);
  TensorPair y = filled_pair(kVector, 1.5f);
  const std::vector<float> filled = cuda->to_host(y.cuda);
  EXPECT_EQ(std::count(filled.begin(), filled.end(), 1.5f), int64_t(filled.size())) << "fill";
  TensorPair coefficients = pair(Shape{1, 1, 1, 2}, {0.25f, -3.0f});
  cpu->axpy(Coef(2.0f, coefficients.cpu, 1), x.cpu, y.cpu);
  cuda->axpy(Coef(2.0f, coefficients.cuda, 1), x.cuda, y.cuda);
  expect_parity(y, 1e-6, "axpy, device coefficient");
  cpu->scale(Coef(-1.0f, coefficients.cpu, 0), y.cpu);
  cuda->scale(Coef(-1.0f, coefficients.cuda, 0), y.cuda);
  expect_parity(y, 1e-6, "scale, device coefficient");
  cpu->relu_forward(y.cpu, y.cpu);
  cuda->relu_forward(y.cuda, y.cuda);
  expect_parity(y, 1e-6, "relu in place");
  // The last element lies in the ragged end of the last grid stride.
  EXPECT_EQ(cuda->read_scalar(y.cuda, int(kVector.numel()) - 1),
            cpu->read_scalar(y.cpu, int(kVector.numel()) - 1));
}

TEST_F(CudaLargeSizes, AdamHelpersCoverEveryElement) {
  TensorPair a = random_pair(kVector, 3100);
  TensorPair b = random_pair(kVector, 3101, 0.5f, 2.0f);
  TensorPair y = random_pair(kVector, 3102);
  cpu->add_product(0.1f, a.cpu, b.cpu, y.cpu);
  cuda->add_product(0.1f, a.cuda, b.cuda, y.cuda);
  expect_parity(y, 1e-6, "add_product");
  cpu->add_quotient(-2.0f, a.cpu, b.cpu, y.cpu);
  cuda->add_quotient(-2.0f, a.cuda, b.cuda, y.cuda);
  expect_parity(y, 1e-6, "add_quotient");
  cpu->sqrt_plus(b.cpu, 1e-8f, a.cpu);
  cuda->sqrt_plus(b.cuda, 1e-8f, a.cuda);
  expect_parity(a, 0.0, "sqrt_plus");
}

TEST_F(CudaLargeSizes, DotAndAsumMatchCpuAndDouble) {
  const DotAndAsum r = dot_and_asum(kVector, 3200);
  // Both accumulate in double: float32 rounding of the result is all that is left.
  EXPECT_LE(std::fabs(r.cuda_dot - r.cpu_dot) / r.magnitude, 1e-7) << "dot";
  EXPECT_LE(std::fabs(r.cuda_dot - r.exact_dot) / r.magnitude, 1e-7) << "dot vs double";
  EXPECT_LE(std::fabs(r.cuda_asum - r.cpu_asum) / r.exact_asum, 1e-6) << "asum";
  EXPECT_LE(std::fabs(r.cuda_asum - r.exact_asum) / r.exact_asum, 1e-6) << "asum vs double";
}

TEST_F(CudaLargeSizes, MseLossAndGradientMatchCpuAndDouble) {
  TensorPair x = random_pair(kFeatures, 3300);
  TensorPair target = random_pair(kFeatures, 3301);
  TensorPair grad = empty_pair(kFeatures);
  TensorPair scalars = filled_pair(Shape{1, 1, 1, 1}, 0.0f);
  cpu->mse_loss(x.cpu, target.cpu, 2.5f, slot(scalars.cpu, 0), grad.cpu);
  cuda->mse_loss(x.cuda, target.cuda, 2.5f, slot(scalars.cuda, 0), grad.cuda);
  expect_parity(grad, 1e-6, "mse gradient");
  expect_scalar_parity(scalars, 0, 1e-6, "mse loss");
  const std::vector<float> hx = cpu->to_host(x.cpu), ht = cpu->to_host(target.cpu);
  double squares = 0.0;
  for (size_t i = 0; i < hx.size(); ++i) {
    const double d = double(hx[i]) - double(ht[i]);
    squares += d * d;
  }
  const double expected = 2.5 * squares / double(hx.size());
  EXPECT_LE(std::fabs(cuda->read_scalar(scalars.cuda, 0) - expected) / expected, 1e-6)
      << "mse loss vs double";
}

TEST_F(CudaLargeSizes, TotalVariationMatchesCpu) {
  TensorPair image = random_pair(kImage, 3400, -100.0f, 100.0f);
  TensorPair grad = random_pair(kImage, 3401);
  TensorPair scalars = filled_pair(Shape{1, 1, 1, 1}, 0.0f);
  cpu->tv_loss(image.cpu, 1e-3f, slot(scalars.cpu, 0), grad.cpu);
  cuda->tv_loss(image.cuda, 1e-3f, slot(scalars.cuda, 0), grad.cuda);
  expect_parity(grad, 1e-6, "tv gradient");
  expect_scalar_parity(scalars, 0, 1e-6, "tv loss");
}

TEST_F(CudaLargeSizes, NormalizedGradientAccumulationMatchesCpu) {
  // normalize = true divides by the L1 norm, a reduction over every element first.
  TensorPair grad = random_pair(kFeatures, 3500, -3.0f, 3.0f);
  TensorPair accumulate = random_pair(kFeatures, 3501);
  cpu->add_weighted_gradient(grad.cpu, 0.75f, true, accumulate.cpu);
  cuda->add_weighted_gradient(grad.cuda, 0.75f, true, accumulate.cuda);
  expect_parity(accumulate, 1e-6, "add_weighted_gradient normalized");
}

TEST_F(CudaLargeSizes, LbfgsRingRowsMatchCpu) {
  // Two rows of 20M: ring_store copies, ring_dot reduces, ring_axpy is grid-stride; both the
  // float32 and the bf16 history.
  for (bool bf16 : {false, true}) {
    const int64_t row_floats = bf16 ? (kVector.numel() + 1) / 2 : kVector.numel();
    TensorPair ring = filled_pair(Shape{2, 1, 1, int(row_floats)}, 0.0f);
    TensorPair counter = pair(Shape{1, 1, 1, 1}, {1.0f});
    unsigned seed = bf16 ? 3700 : 3600;
    for (int step = 0; step < 2; ++step) {
      TensorPair x = random_pair(kVector, seed++);
      cpu->ring_store(x.cpu, ring.cpu, RingRow{&counter.cpu, 0, step, bf16});
      cuda->ring_store(x.cuda, ring.cuda, RingRow{&counter.cuda, 0, step, bf16});
    }
    expect_parity(ring, 0.0, msg("ring_store", bf16 ? " bf16" : ""));
    TensorPair x = random_pair(kVector, seed++);
    TensorPair out = filled_pair(Shape{1, 1, 1, 1}, 0.0f);
    cpu->ring_dot(ring.cpu, RingRow{&counter.cpu, 0, 0, bf16}, x.cpu, nullptr, slot(out.cpu, 0));
    cuda->ring_dot(ring.cuda, RingRow{&counter.cuda, 0, 0, bf16}, x.cuda, nullptr,
                   slot(out.cuda, 0));
    // Random signs cancel: scale by sum |x_i|, at least sum |r_i x_i| (|r_i| <= 1). A stride
    // of 3.3M terms missed or added would move the dot by ~6e-5 of that.
    const std::vector<float> hx = cpu->to_host(x.cpu);
    double magnitude = 0.0;
    for (float v : hx) magnitude += std::fabs(double(v));
    EXPECT_LE(std::fabs(double(cuda->read_scalar(out.cuda, 0)) - cpu->read_scalar(out.cpu, 0)) /
                  magnitude,
              1e-6)
        << "ring_dot" << (bf16 ? " bf16" : "");
    TensorPair y = random_pair(kVector, seed++);
    cpu->ring_axpy(Coef(-0.5f), ring.cpu, RingRow{&counter.cpu, 0, -1, bf16}, y.cpu);
    cuda->ring_axpy(Coef(-0.5f), ring.cuda, RingRow{&counter.cuda, 0, -1, bf16}, y.cuda);
    expect_parity(y, 1e-6, msg("ring_axpy", bf16 ? " bf16" : ""));
  }
}

}  // namespace
}  // namespace nsrg::test
