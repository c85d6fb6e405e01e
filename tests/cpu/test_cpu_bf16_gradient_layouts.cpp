// The bf16 precision's backward pass on the backend's own layouts (cpu_bf16_layout.h), each
// op against the float32 CPU backend or a float64 loop on the very same values: pooling
// backward of disjoint windows with bf16 NHWC input and float32 NHWC gradients (exact), ReLU
// backward on them (exact), the Gram and its backward of bf16 NHWC features (float64
// reference; the same bytes on 1, 2 and 3 threads), and a float32 NHWC gradient added into an
// accumulator (the float32 op's values). Each checks that the gradient stayed float32 NHWC, i.e.
// that the layout path ran.
#include "engine/core/ring_values.h"
#include "engine/cpu/cpu_backend_impl.h"
#include "tests/cpu/cpu_test_support.h"

namespace nsrg::test {
namespace {

std::unique_ptr<Backend> backend_with(Precision precision) {
  BackendOptions options;
  options.precision = precision;
  return make_cpu_backend(options);
}

CpuBackend& cpu(Backend& backend) {
  return dynamic_cast<CpuBackend&>(backend);
}

// A bf16 NHWC activation of `shape` (a bf16 convolution of random 16-channel input, ReLU in
// place) and a float32 NHWC gradient of `shape` (a bf16 backward-data convolution of random
// 16-channel gradients), made on `backend`.
struct LaidOutPair {
  Tensor activation, gradient;
};
LaidOutPair laid_out_pair(Backend& backend, const Shape& shape, unsigned seed) {
  const Shape input{1, 16, shape.h, shape.w};
  const ConvGeometry forward = conv3x3(16, shape.c), backward = conv3x3(shape.c, 16);
  const std::vector<float> x = random_values(input.numel(), seed);
  const std::vector<float> w = random_values(forward.weight_shape().numel(), seed + 1, -0.2f, 0.2f);
  const std::vector<float> b = random_values(size_t(shape.c), seed + 2, -0.1f, 0.1f);
  const std::vector<float> v =
      random_values(backward.weight_shape().numel(), seed + 3, -0.2f, 0.2f);
  const std::vector<float> dz = random_values(input.numel(), seed + 4);
  Tensor xt = backend.from_host(input, x.data()),
         wt = backend.from_host(forward.weight_shape(), w.data());
  Tensor bt = backend.from_host(forward.bias_shape(), b.data());
  Tensor vt = backend.from_host(backward.weight_shape(), v.data());
  Tensor dzt = backend.from_host(input, dz.data());
  LaidOutPair pair{backend.empty(shape), backend.empty(shape)};
  backend.conv_forward(forward, xt, wt, bt, pair.activation);
  backend.relu_forward(pair.activation, pair.activation);
  backend.conv_backward_data(backward, dzt, vt, pair.gradient);
  EXPECT_TRUE(cpu(backend).holds_bf16(pair.activation));
  EXPECT_TRUE(cpu(backend).holds_nhwc(pair.gradient));
  return pair;
}

// Max and average 2x2 stride-2 pooling, ceil mode (9x13: overhanging last row and column)
// and floor mode (an odd last row and column in no window), backward on the layouts and
// then ReLU backward in place, against the float32 ops on the same values.
TEST(CpuBf16GradientLayouts, PoolAndReluBackwardMatchFloat32OnTheSameValues) {
  const Shape input{1, 24, 9, 13};
  auto fp32 = backend_with(Precision::Fp32);
  for (bool ceil_mode : {true, false}) {
    for (PoolKind kind : {PoolKind::Max, PoolKind::Average}) {
      auto bf16 = backend_with(Precision::Bf16);
      PoolGeometry pool;
      pool.kind = kind;
      pool.ceil_mode = ceil_mode;
      const Shape pooled = pool.output_shape(input);
      LaidOutPair x = laid_out_pair(*bf16, input, 20);
      LaidOutPair out = laid_out_pair(*bf16, pooled, 30);
      bf16->pool_forward(pool, x.activation, out.activation);
      Tensor dx = bf16->empty(input);
      bf16->pool_backward(pool, x.activation, out.activation, out.gradient, dx);
      ASSERT_TRUE(cpu(*bf16).holds_nhwc(dx));
      const std::vector<float> pooled_dx = bf16->to_host(dx);
      bf16->pool_backward(pool, x.activation, out.activation, out.gradient, dx);
      bf16->relu_backward(x.activation, dx, dx);
      ASSERT_TRUE(cpu(*bf16).holds_nhwc(dx));
      // The same values, read back as float32 NCHW, through the float32 ops.
      Tensor rx = fp32->from_host(input, bf16->to_host(x.activation).data());
      Tensor ry = fp32->from_host(pooled, bf16->to_host(out.activation).data());
      Tensor rdy = fp32->from_host(pooled, bf16->to_host(out.gradient).data());
      Tensor rdx = fp32->empty(input);
      fp32->pool_backward(pool, rx, ry, rdy, rdx);
      EXPECT_EQ(pooled_dx, fp32->to_host(rdx)) << int(kind) << " ceil " << ceil_mode;
      fp32->relu_backward(rx, rdx, rdx);
      EXPECT_EQ(bf16->to_host(dx), fp32->to_host(rdx)) << int(kind) << " ceil " << ceil_mode;
    }
  }
}

// G = scale F F^T and dF = scale (dG + dG^T) F of bf16 NHWC features (bf16 x bf16 products
// with float32 accumulation), against float64 loops on the features' bf16 values and, for
// dF, on dG + dG^T (summed in float) rounded to bf16 as the op rounds it; G exactly symmetric,
// dF float32 NHWC. The bound: float32 sums of 143 products, measured ~1e-7.
TEST(CpuBf16GradientLayouts, GramAndItsBackwardOfBf16FeaturesMatchFloat64) {
  const Shape shape{1, 40, 11, 13};
  auto bf16 = backend_with(Precision::Bf16);
  LaidOutPair f = laid_out_pair(*bf16, shape, 40);
  const int c = shape.c, p = shape.h * shape.w;
  const float scale = 1.0f / float(shape.numel());
  Tensor gram = bf16->empty({1, 1, c, c});
  bf16->gram(f.activation, scale, gram);
  const std::vector<float> dg = random_values(size_t(c) * c, 41);
  Tensor dgram = bf16->from_host({1, 1, c, c}, dg.data());
  Tensor df = bf16->empty(shape);
  bf16->gram_backward(f.activation, dgram, scale, df);
  ASSERT_TRUE(cpu(*bf16).holds_bf16(f.activation));  // neither op converted the features
  ASSERT_TRUE(cpu(*bf16).holds_nhwc(df));
  const std::vector<float> features = bf16->to_host(f.activation);  // NCHW
  std::vector<double> expected_gram(size_t(c) * c, 0.0), expected_df(shape.numel(), 0.0);
  for (int i = 0; i < c; ++i)
    for (int j = 0; j < c; ++j) {
      double sum = 0;
      for (int k = 0; k < p; ++k) sum += double(features[i * p + k]) * features[j * p + k];
      expected_gram[size_t(i) * c + j] = double(scale) * sum;
    }
  for (int i = 0; i < c; ++i)
    for (int k = 0; k < p; ++k) {
      double sum = 0;
      for (int j = 0; j < c; ++j) {
        const float symmetric = dg[size_t(i) * c + j] + dg[size_t(j) * c + i];
        sum += double(bf16_to_float(float_to_bf16(symmetric))) * features[j * p + k];
      }
      expected_df[size_t(i) * p + k] = double(scale) * sum;
    }
  const std::vector<float> got_gram = bf16->to_host(gram);
  EXPECT_LE(relative_error(got_gram, expected_gram), 1e-5);
  for (int i = 0; i < c; ++i)
    for (int j = 0; j < c; ++j) ASSERT_EQ(got_gram[size_t(i) * c + j], got_gram[size_t(j) * c + i]);
  EXPECT_LE(relative_error(bf16->to_host(df), expected_df), 1e-5);
}

// The bf16 Gram and its backward give the same bytes on 1, 2 and 3 threads, with a Gram of
// 2 K-chunks (130 x 130 = 16900 positions > 16384) and a backward of several row tiles.
TEST(CpuBf16GradientLayouts, GramBytesDoNotDependOnTheThreadCount) {
  const Shape shape{1, 24, 130, 130};
  const int c = shape.c;
  const std::vector<float> dg = random_values(size_t(c) * c, 61);
  std::vector<std::vector<float>> grams, gradients;
  for (int threads : {1, 2, 3}) {
    BackendOptions options;
    options.precision = Precision::Bf16;
    options.threads = threads;
    auto backend = make_cpu_backend(options);
    LaidOutPair f = laid_out_pair(*backend, shape, 60);
    Tensor gram = backend->empty({1, 1, c, c});
    backend->gram(f.activation, 1.0f / float(shape.numel()), gram);
    Tensor dgram = backend->from_host({1, 1, c, c}, dg.data());
    Tensor df = backend->empty(shape);
    backend->gram_backward(f.activation, dgram, 1.0f / float(shape.numel()), df);
    grams.push_back(backend->to_host(gram));
    gradients.push_back(backend->to_host(df));
  }
  EXPECT_EQ(grams[0], grams[1]);
  EXPECT_EQ(grams[0], grams[2]);
  EXPECT_EQ(gradients[0], gradients[1]);
  EXPECT_EQ(gradients[0], gradients[2]);
}

// A float32 NHWC gradient added (L1-normalized) into a float32 NCHW accumulator, which turns
// NHWC, and then into that NHWC accumulator, against the float32 op on the same values.
TEST(CpuBf16GradientLayouts, NhwcGradientAddsIntoEitherAccumulator) {
  const Shape shape{1, 24, 9, 13};
  auto fp32 = backend_with(Precision::Fp32);
  auto bf16 = backend_with(Precision::Bf16);
  LaidOutPair g = laid_out_pair(*bf16, shape, 50);
  const std::vector<float> start = random_values(shape.numel(), 51);
  Tensor acc = bf16->from_host(shape, start.data());
  bf16->add_weighted_gradient(g.gradient, 3.0f, true, acc);
  ASSERT_TRUE(cpu(*bf16).holds_nhwc(acc));
  bf16->add_weighted_gradient(g.gradient, 0.5f, false, acc);
  ASSERT_TRUE(cpu(*bf16).holds_nhwc(acc));
  Tensor rg = fp32->from_host(shape, bf16->to_host(g.gradient).data());
  Tensor racc = fp32->from_host(shape, start.data());
  fp32->add_weighted_gradient(rg, 3.0f, true, racc);
  fp32->add_weighted_gradient(rg, 0.5f, false, racc);
  // The L1 norm sums in the other layout's order: the factor may differ in its last bit.
  EXPECT_LE(relative_error(bf16->to_host(acc), fp32->to_host(racc)), 1e-6);
}

}  // namespace
}  // namespace nsrg::test
