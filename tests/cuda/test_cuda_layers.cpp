// CUDA/CPU parity of the network layers: convolution forward and backward-data at several
// geometries (fp32, and tf32 with a looser bound; and with cuDNN's search turned off, the
// fallback algorithms the backend takes when no searched one is acceptable), ReLU, and
// max/average pooling including padding, ceil mode and ties (the first maximal element takes
// the gradient).
#include <string>
#include <vector>

#include "engine/core/error.h"
#include "tests/cuda/cuda_test_support.h"

namespace nsrg::test {
namespace {

using CudaLayers = CudaParityTest;

struct ConvCase {
  ConvGeometry geometry;
  Shape input;
};

std::vector<ConvCase> conv_cases() {
  return {
      {{3, 8, 3, 3, 1, 1, 1, 1}, {1, 3, 17, 23}},    {{16, 32, 3, 3, 1, 1, 1, 1}, {1, 16, 32, 32}},
      {{5, 7, 1, 1, 1, 1, 0, 0}, {1, 5, 9, 11}},     {{4, 6, 5, 5, 2, 2, 2, 2}, {1, 4, 15, 13}},
      {{64, 64, 3, 3, 1, 1, 1, 1}, {1, 64, 28, 28}},
  };
}

std::string describe(const ConvCase& c) {
  const ConvGeometry& g = c.geometry;
  return msg("conv ", g.in_channels, "->", g.out_channels, " k", g.kernel_h, "x", g.kernel_w, " s",
             g.stride_h, " p", g.pad_h, " input ", c.input.str());
}

TEST_F(CudaLayers, ConvolutionForwardAndBackwardDataMatchCpu) {
  unsigned seed = 10;
  for (const ConvCase& c : conv_cases()) {
    const ConvGeometry& g = c.geometry;
    const Shape out = g.output_shape(c.input);
    TensorPair x = random_pair(c.input, seed++);
    TensorPair w = random_pair(g.weight_shape(), seed++, -0.2f, 0.2f);
    TensorPair b = random_pair(g.bias_shape(), seed++);
    TensorPair y = empty_pair(out);
    cpu->conv_forward(g, x.cpu, w.cpu, b.cpu, y.cpu);
    cuda->conv_forward(g, x.cuda, w.cuda, b.cuda, y.cuda);
    expect_parity(y, 2e-5, describe(c) + " forward");
    // Twice more on the same plan: same bits (deterministic algorithms).
    const std::vector<float> first = cuda->to_host(y.cuda);
    cuda->conv_forward(g, x.cuda, w.cuda, b.cuda, y.cuda);
    EXPECT_EQ(cuda->to_host(y.cuda), first) << describe(c);

    TensorPair dy = random_pair(out, seed++);
    TensorPair dx = empty_pair(c.input);
    cpu->conv_backward_data(g, dy.cpu, w.cpu, dx.cpu);
    cuda->conv_backward_data(g, dy.cuda, w.cuda, dx.cuda);
    expect_parity(dx, 2e-5, describe(c) + " backward data");
    const std::vector<float> first_dx = cuda->to_host(dx.cuda);
    cuda->conv_backward_data(g, dy.cuda, w.cuda, dx.cuda);
    EXPECT_EQ(cuda->to_host(dx.cuda), first_dx) << describe(c) << " backward is deterministic";
  }
}

#ifdef NSRG_HAVE_CUDA
// The fallback algorithms (implicit GEMM forward, algorithm 1 backward-data) run only when
// cuDNN's search offers nothing deterministic within the workspace limit, so no ordinary run
// reaches them; forced here at every geometry, in fp32 (the ordinary bound) and tf32.
TEST(CudaLayersFallback, ForcedFallbackAlgorithmsMatchCpu) {
  const std::string reason = cuda_skip_reason();
  if (!reason.empty()) GTEST_SKIP() << reason;
  auto cpu = make_cpu_backend();
  CudaTestOverrides overrides;
  overrides.fallback_convolutions = true;
  for (Precision precision : {Precision::Fp32, Precision::Tf32}) {
    auto cuda = make_test_cuda_backend(with_precision(precision), overrides);
    const double bound = precision == Precision::Fp32 ? 2e-5 : 5e-3;
    const std::string name = precision == Precision::Fp32 ? " fp32" : " tf32";
    unsigned seed = 70;
    for (const ConvCase& c : conv_cases()) {
      const ConvGeometry& g = c.geometry;
      const Shape out = g.output_shape(c.input);
      const std::vector<float> x = random_values(c.input.numel(), seed++);
      const std::vector<float> w = random_values(g.weight_shape().numel(), seed++, -0.2f, 0.2f);
      const std::vector<float> b = random_values(g.bias_shape().numel(), seed++);
      const std::vector<float> dy = random_values(out.numel(), seed++);
      Tensor xc = cpu->from_host(c.input, x.data()), xg = cuda->from_host(c.input, x.data());
      Tensor wc = cpu->from_host(g.weight_shape(), w.data());
      Tensor wg = cuda->from_host(g.weight_shape(), w.data());
      Tensor bc = cpu->from_host(g.bias_shape(), b.data());
      Tensor bg = cuda->from_host(g.bias_shape(), b.data());
      Tensor yc = cpu->empty(out), yg = cuda->empty(out);
      cpu->conv_forward(g, xc, wc, bc, yc);
      cuda->conv_forward(g, xg, wg, bg, yg);
      EXPECT_LE(normalized_error(cuda->to_host(yg), cpu->to_host(yc)), bound)
          << describe(c) << name << " fallback forward";
      Tensor dyc = cpu->from_host(out, dy.data()), dyg = cuda->from_host(out, dy.data());
      Tensor dxc = cpu->empty(c.input), dxg = cuda->empty(c.input);
      cpu->conv_backward_data(g, dyc, wc, dxc);
      cuda->conv_backward_data(g, dyg, wg, dxg);
      const std::vector<float> first_dx = cuda->to_host(dxg);
      EXPECT_LE(normalized_error(first_dx, cpu->to_host(dxc)), bound)
          << describe(c) << name << " fallback backward data";
      cuda->conv_backward_data(g, dyg, wg, dxg);
      EXPECT_EQ(cuda->to_host(dxg), first_dx) << describe(c) << name << " deterministic";
    }
  }
}
#endif

TEST(CudaLayersTf32, ConvolutionWithinTf32Accuracy) {
  const std::string reason = cuda_skip_reason();
  if (!reason.empty()) GTEST_SKIP() << reason;
  auto cpu = make_cpu_backend();
  auto cuda = make_test_cuda_backend(with_precision(Precision::Tf32));
  const ConvGeometry g{64, 64, 3, 3, 1, 1, 1, 1};
  const Shape input{1, 64, 24, 24};
  const std::vector<float> x = random_values(input.numel(), 1);
  const std::vector<float> w = random_values(g.weight_shape().numel(), 2, -0.1f, 0.1f);
  const std::vector<float> b = random_values(size_t(g.out_channels), 3);
  Tensor xc = cpu->from_host(input, x.data()), wc = cpu->from_host(g.weight_shape(), w.data());
  Tensor bc = cpu->from_host(g.bias_shape(), b.data()), yc = cpu->empty(g.output_shape(input));
  Tensor xg = cuda->from_host(input, x.data()), wg = cuda->from_host(g.weight_shape(), w.data());
  Tensor bg = cuda->from_host(g.bias_shape(), b.data()), yg = cuda->empty(g.output_shape(input));
  cpu->conv_forward(g, xc, wc, bc, yc);
  cuda->conv_forward(g, xg, wg, bg, yg);
  const double error = normalized_error(cuda->to_host(yg), cpu->to_host(yc));
  EXPECT_LE(error, 5e-3) << "tf32 forward";
  EXPECT_NE(cuda->description().find("tf32"), std::string::npos) << cuda->description();
}

TEST_F(CudaLayers, ReluForwardAndBackwardAreExact) {
  const Shape shape{1, 7, 19, 21};
  TensorPair x = random_pair(shape, 40);
  TensorPair y = empty_pair(shape);
  cpu->relu_forward(x.cpu, y.cpu);
  cuda->relu_forward(x.cuda, y.cuda);
  expect_parity(y, 0.0, "relu forward");
  TensorPair dy = random_pair(shape, 41);
  TensorPair dx = empty_pair(shape);
  cpu->relu_backward(y.cpu, dy.cpu, dx.cpu);
  cuda->relu_backward(y.cuda, dy.cuda, dx.cuda);
  expect_parity(dx, 0.0, "relu backward");
  // In place, as the network runs it.
  cpu->relu_backward(y.cpu, dy.cpu, dy.cpu);
  cuda->relu_backward(y.cuda, dy.cuda, dy.cuda);
  expect_parity(dy, 0.0, "relu backward in place");
  cpu->relu_forward(x.cpu, x.cpu);
  cuda->relu_forward(x.cuda, x.cuda);
  expect_parity(x, 0.0, "relu forward in place");
}

struct PoolCase {
  PoolGeometry geometry;
  Shape input;
};

std::vector<PoolCase> pool_cases() {
  const auto pool = [](PoolKind kind, int k, int s, int p, bool ceil) {
    PoolGeometry g;
    g.kind = kind;
    g.kernel_h = g.kernel_w = k;
    g.stride_h = g.stride_w = s;
    g.pad_h = g.pad_w = p;
    g.ceil_mode = ceil;
    return g;
  };
  return {
      {pool(PoolKind::Max, 2, 2, 0, false), {1, 3, 16, 16}},
      {pool(PoolKind::Max, 2, 2, 0, false), {1, 3, 15, 17}},
      {pool(PoolKind::Max, 2, 2, 0, true), {1, 3, 15, 17}},
      {pool(PoolKind::Max, 3, 2, 1, true), {1, 4, 14, 11}},
      {pool(PoolKind::Max, 3, 1, 1, false), {1, 2, 9, 10}},
      {pool(PoolKind::Average, 2, 2, 0, false), {1, 3, 16, 16}},
      {pool(PoolKind::Average, 2, 2, 0, true), {1, 3, 15, 17}},
      {pool(PoolKind::Average, 3, 2, 1, true), {1, 4, 14, 11}},
      {pool(PoolKind::Average, 3, 1, 1, false), {1, 2, 9, 10}},
  };
}

std::string describe(const PoolCase& c) {
  const PoolGeometry& g = c.geometry;
  return msg(g.kind == PoolKind::Max ? "max" : "avg", " k", g.kernel_h, " s", g.stride_h, " p",
             g.pad_h, g.ceil_mode ? " ceil" : " floor", " input ", c.input.str());
}

TEST_F(CudaLayers, PoolingMatchesCpuIncludingTies) {
  unsigned seed = 50;
  for (const PoolCase& c : pool_cases()) {
    const Shape out = c.geometry.output_shape(c.input);
    for (bool ties : {false, true}) {
      const std::string what = describe(c) + (ties ? " (ties)" : "");
      TensorPair x =
          ties ? pair(c.input, tied_values(c.input.numel(), seed++)) : random_pair(c.input, seed++);
      TensorPair y = empty_pair(out);
      cpu->pool_forward(c.geometry, x.cpu, y.cpu);
      cuda->pool_forward(c.geometry, x.cuda, y.cuda);
      expect_parity(y, c.geometry.kind == PoolKind::Max ? 0.0 : 1e-6, what + " forward");
      TensorPair dy = random_pair(out, seed++);
      TensorPair dx = filled_pair(c.input, 123.0f);  // must be overwritten everywhere
      cpu->pool_backward(c.geometry, x.cpu, y.cpu, dy.cpu, dx.cpu);
      cuda->pool_backward(c.geometry, x.cuda, y.cuda, dy.cuda, dx.cuda);
      expect_parity(dx, 1e-6, what + " backward");
    }
  }
}

}  // namespace
}  // namespace nsrg::test
