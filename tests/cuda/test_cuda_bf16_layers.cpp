// precision = "mixed" and "bf16" on the CUDA backend, op by op against the CPU backend in the
// same precision and against the CUDA backend in float32: bf16 convolutions forward and
// backward-data, ReLU, pooling and ReLU backward on the bf16 layout, a Gram of a bf16
// activation, a weight tensor rewritten after its bf16 copy was made. Without a device every
// test skips with "no CUDA device: skipped".
//
// The bounds (normalized error: max |difference| / max |reference|), with u = 2^-8, bf16's
// unit roundoff (8 significant bits: |bf16(v) - v| <= u |v|):
// - Both backends round a convolution's input, gradient and weights to bf16 by the same rule
//   (engine/core/ring_values.h's float_to_bf16), so their products are identical and only
//   the float32 accumulation order differs (~1e-6 of the sum of |terms| here).
// - bf16 forward, CUDA against CPU: the CPU rounds conv + bias once; the CUDA backend rounds
//   cuDNN's sum (its bf16 output), then adds the bias and rounds again. Each rounding moves a
//   value by at most u, and the two results may land one bf16 step (2u) apart: 4u = 2^-6.
// - bf16 backward-data, CUDA against CPU: the CPU writes float32, the CUDA backend's result is
//   bf16 (cuDNN's legacy API takes one data type for a convolution's tensors), widened
//   exactly: one rounding, u, and 2u = 2^-7 with the accumulation-order term.
// - The first layer (3 input channels) is float32 on both backends; the CPU rounds its output
//   to bf16 once (half a bf16 step, u/2), the CUDA backend keeps it float32: u.
// - Against CUDA float32: the CPU's measured bound for bf16 against float32
//   (tests/cpu/test_cpu_bf16_layers.cpp: 1e-2, the operand rounding) plus the CUDA backend's
//   extra output rounding u: 1.4e-2.
// - ReLU, pooling, ReLU backward, the read-back and a Gram of the same bf16 activation are
//   the same rules on the same values (engine/core/bf16_layout_rules.h, tested against the
//   CPU backend by tests/cpu/test_bf16_layout_rules.cpp): bit-identical, the Gram within the
//   float32 Gram bound of test_cuda_gram.cpp.
#include <cstdio>
#include <string>
#include <vector>

#include "engine/core/error.h"
#include "engine/core/ring_values.h"
#include "tests/cuda/cuda_test_support.h"

namespace nsrg::test {
namespace {

constexpr double kUnitRoundoff = 1.0 / 256;
constexpr double kForwardBound = 4 * kUnitRoundoff;
constexpr double kBackwardBound = 2 * kUnitRoundoff;
constexpr double kAgainstFloat32Bound = 1e-2 + kUnitRoundoff;

struct ConvCase {
  ConvGeometry geometry;
  Shape input;
};

// bf16 paths (8 or more input channels; VGG's 3x3 and a 1x1, a strided 5x5) and the first
// layer's 3 channels, which stays float32 in every precision.
std::vector<ConvCase> conv_cases() {
  return {{{16, 32, 3, 3, 1, 1, 1, 1}, {1, 16, 11, 13}},
          {{64, 64, 3, 3, 1, 1, 1, 1}, {1, 64, 28, 28}},
          {{8, 24, 1, 1, 1, 1, 0, 0}, {1, 8, 9, 7}},
          {{16, 8, 5, 5, 2, 2, 2, 2}, {1, 16, 15, 13}},
          {{3, 16, 3, 3, 1, 1, 1, 1}, {1, 3, 17, 23}}};
}

std::string describe(const ConvCase& c, Precision precision) {
  const ConvGeometry& g = c.geometry;
  return msg(name_in(kPrecisionNames, precision), " conv ", g.in_channels, "->", g.out_channels,
             " k", g.kernel_h, " s", g.stride_h, " input ", c.input.str());
}

std::vector<float> rounded_to_bf16(std::vector<float> values) {
  for (float& v : values) v = bf16_to_float(float_to_bf16(v));
  return values;
}

// The CPU backend, the CUDA backend (both in `precision`) and the CUDA backend in float32.
class CudaBf16 : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string reason = cuda_skip_reason();
    if (!reason.empty()) GTEST_SKIP() << reason;
  }
  void use(Precision precision) {
    cpu = make_cpu_backend(with_precision(precision));
    cuda = make_test_cuda_backend(with_precision(precision));
    cuda_fp32 = make_test_cuda_backend();
  }
  // The same values on the three backends.
  struct Triple {
    Tensor cpu, cuda, cuda_fp32;
  };
  Triple triple(const Shape& shape, const std::vector<float>& values) {
    return {cpu->from_host(shape, values.data()), cuda->from_host(shape, values.data()),
            cuda_fp32->from_host(shape, values.data())};
  }
  Triple random_triple(const Shape& shape, unsigned seed, float lo = -1.0f, float hi = 1.0f) {
    return triple(shape, random_values(shape.numel(), seed, lo, hi));
  }
  Triple empty_triple(const Shape& shape) {
    return {cpu->empty(shape), cuda->empty(shape), cuda_fp32->empty(shape)};
  }
  // Expects the CUDA result within `bound` of the CPU's and within `fp32_bound` of CUDA
  // float32's; returns the CUDA result.
  std::vector<float> expect_close(const Triple& t, double bound, double fp32_bound,
                                  const std::string& what) {
    const std::vector<float> actual = cuda->to_host(t.cuda);
    const double error = normalized_error(actual, cpu->to_host(t.cpu));
    const double fp32_error = normalized_error(actual, cuda_fp32->to_host(t.cuda_fp32));
    EXPECT_LE(error, bound) << what << " against the CPU";
    EXPECT_LE(fp32_error, fp32_bound) << what << " against CUDA fp32";
    std::printf("%s: against the CPU %.3g, against CUDA fp32 %.3g\n", what.c_str(), error,
                fp32_error);
    return actual;
  }

  // The forward convolution of case `c` on random data (seeds seed .. seed + 2) on the three
  // backends within the forward bounds (for the first layer's 3 channels: float32's against
  // CUDA fp32, and u against the CPU, which rounds that layer's float32 output to bf16 once),
  // run twice on the CUDA backend for the same bits; returns the CUDA result.
  std::vector<float> check_forward(const ConvCase& c, unsigned seed, const std::string& label) {
    const bool bf16 = c.geometry.in_channels >= 8;
    Forward f = forward_operands(c, seed);
    run_forward(c.geometry, f);
    const std::string what = describe(c, Precision::Bf16) + label + " forward";
    const std::vector<float> first = expect_close(f.y, bf16 ? kForwardBound : kUnitRoundoff,
                                                  bf16 ? kAgainstFloat32Bound : 2e-5, what);
    cuda->conv_forward(c.geometry, f.x.cuda, f.w.cuda, f.b.cuda, f.y.cuda);
    EXPECT_EQ(cuda->to_host(f.y.cuda), first) << what << " is deterministic";
    return first;
  }
  // A forward convolution's operands on the three backends: random x, w, b (seeds seed ..
  // seed + 2), y for the result.
  struct Forward {
    Triple x, w, b, y;
  };
  Forward forward_operands(const ConvCase& c, unsigned seed) {
    const ConvGeometry& g = c.geometry;
    return {random_triple(c.input, seed), random_triple(g.weight_shape(), seed + 1, -0.2f, 0.2f),
            random_triple(g.bias_shape(), seed + 2), empty_triple(g.output_shape(c.input))};
  }
  void run_forward(const ConvGeometry& g, Forward& f) {
    cpu->conv_forward(g, f.x.cpu, f.w.cpu, f.b.cpu, f.y.cpu);
    cuda->conv_forward(g, f.x.cuda, f.w.cuda, f.b.cuda, f.y.cuda);
    cuda_fp32->conv_forward(g, f.x.cuda_fp32, f.w.cuda_fp32, f.b.cuda_fp32, f.y.cuda_fp32);
  }
  // The same for the backward-data convolution (seed: the weights; seed + 1: dy).
  void check_backward_data(const ConvCase& c, Precision precision, unsigned seed,
                           const std::string& label) {
    const ConvGeometry& g = c.geometry;
    const bool bf16 = g.in_channels >= 8;
    Triple w = random_triple(g.weight_shape(), seed, -0.2f, 0.2f);
    Triple dy = random_triple(g.output_shape(c.input), seed + 1);
    Triple dx = empty_triple(c.input);
    cpu->conv_backward_data(g, dy.cpu, w.cpu, dx.cpu);
    cuda->conv_backward_data(g, dy.cuda, w.cuda, dx.cuda);
    cuda_fp32->conv_backward_data(g, dy.cuda_fp32, w.cuda_fp32, dx.cuda_fp32);
    const std::string what = describe(c, precision) + label + " backward data";
    const std::vector<float> first =
        expect_close(dx, bf16 ? kBackwardBound : 2e-5, bf16 ? kAgainstFloat32Bound : 2e-5, what);
    cuda->conv_backward_data(g, dy.cuda, w.cuda, dx.cuda);
    EXPECT_EQ(cuda->to_host(dx.cuda), first) << what << " is deterministic";
  }

  std::unique_ptr<Backend> cpu, cuda, cuda_fp32;
};

TEST_F(CudaBf16, ConvolutionForwardMatchesTheCpuInBf16) {
  use(Precision::Bf16);
  unsigned seed = 20;
  for (const ConvCase& c : conv_cases()) {
    const std::vector<float> first = check_forward(c, seed, "");
    seed += 3;
    if (c.geometry.in_channels >= 8)
      EXPECT_EQ(first, rounded_to_bf16(first)) << "a bf16 activation reads back as bf16";
  }
}

TEST_F(CudaBf16, ConvolutionBackwardDataMatchesTheCpuInMixedAndBf16) {
  for (Precision precision : {Precision::Mixed, Precision::Bf16}) {
    use(precision);
    unsigned seed = 40;
    for (const ConvCase& c : conv_cases()) {
      check_backward_data(c, precision, seed, "");
      seed += 2;
    }
  }
}

#ifdef NSRG_HAVE_CUDA
// The fallback algorithms of bf16 plans (precomputed implicit GEMM forward, algorithm 1
// backward-data, both documented for NHWC bf16), forced at every geometry: the same bounds.
TEST_F(CudaBf16, ForcedFallbackAlgorithmsMatchTheCpu) {
  use(Precision::Bf16);
  CudaTestOverrides overrides;
  overrides.fallback_convolutions = true;
  cuda = make_test_cuda_backend(with_precision(Precision::Bf16), overrides);
  unsigned seed = 90;
  for (const ConvCase& c : conv_cases()) {
    check_forward(c, seed, " fallback");
    check_backward_data(c, Precision::Bf16, seed + 3, " fallback");
    seed += 5;
  }
}
#endif

// "mixed" keeps the forward pass in float32: the CUDA fp32 forward, bit for bit.
TEST_F(CudaBf16, MixedForwardIsFloat32) {
  use(Precision::Mixed);
  const ConvCase c = conv_cases()[1];
  Forward f = forward_operands(c, 60);
  run_forward(c.geometry, f);
  EXPECT_EQ(cuda->to_host(f.y.cuda), cuda_fp32->to_host(f.y.cuda_fp32));
}

// An activation made exactly on both backends (a 1x1 identity convolution of bf16 values,
// zero bias), then ReLU (separate and in place), max and average pooling (VGG's 2x2/2 and a
// padded ceil-mode 3x3/2), ReLU backward and max pooling's backward on the layout, and a Gram
// of the ReLU output (which reads it back as float32): the same bits as the CPU backend.
TEST_F(CudaBf16, LayerOpsOnTheLayoutMatchTheCpuBitForBit) {
  use(Precision::Bf16);
  const Shape shape{1, 16, 12, 10};
  ConvGeometry identity{16, 16, 1, 1, 1, 1, 0, 0};
  std::vector<float> eye(size_t(16) * 16, 0.0f);
  for (size_t k = 0; k < 16; ++k) eye[k * 16 + k] = 1.0f;
  const std::vector<float> values = rounded_to_bf16(random_values(shape.numel(), 70, -2.0f, 2.0f));
  PoolGeometry vgg;
  PoolGeometry padded;
  padded.kind = PoolKind::Average;
  padded.kernel_h = padded.kernel_w = 3;
  padded.pad_h = padded.pad_w = 1;
  padded.ceil_mode = true;
  const std::vector<float> dy = random_values(shape.numel(), 71);
  const std::vector<float> dpool = random_values(vgg.output_shape(shape).numel(), 72);

  struct Results {
    std::vector<float> activation, relu, in_place, max_pool, avg_pool, relu_grad, gram, pool_grad;
  };
  const auto run = [&](Backend& b) {
    Tensor x = b.from_host(shape, values.data());
    Tensor w = b.from_host(identity.weight_shape(), eye.data());
    Tensor bias = b.zeros(identity.bias_shape());
    Tensor a = b.empty(shape), r = b.empty(shape), inplace = b.empty(shape);
    Tensor pm = b.empty(vgg.output_shape(shape)), pa = b.empty(padded.output_shape(shape));
    Tensor g = b.from_host(shape, dy.data()), dx = b.empty(shape);
    Tensor gram = b.empty(Shape{1, 1, 16, 16});
    Tensor dpm = b.from_host(vgg.output_shape(shape), dpool.data()), dr = b.empty(shape);
    b.conv_forward(identity, x, w, bias, a);
    b.conv_forward(identity, x, w, bias, inplace);
    b.relu_forward(a, r);
    b.relu_forward(inplace, inplace);
    b.pool_forward(vgg, r, pm);
    b.pool_forward(padded, r, pa);
    b.relu_backward(r, g, dx);
    b.pool_backward(vgg, r, pm, dpm, dr);  // the argmax on the layout
    b.gram(r, 1.0f / float(shape.numel()), gram);
    return Results{b.to_host(a),  b.to_host(r),  b.to_host(inplace), b.to_host(pm),
                   b.to_host(pa), b.to_host(dx), b.to_host(gram),    b.to_host(dr)};
  };
  const Results expected = run(*cpu), actual = run(*cuda);
  EXPECT_EQ(actual.activation, values) << "the identity convolution is exact";
  EXPECT_EQ(actual.activation, expected.activation);
  EXPECT_EQ(actual.relu, expected.relu);
  EXPECT_EQ(actual.in_place, expected.relu);
  EXPECT_EQ(actual.max_pool, expected.max_pool);
  EXPECT_EQ(actual.avg_pool, expected.avg_pool);
  EXPECT_EQ(actual.relu_grad, expected.relu_grad);
  EXPECT_EQ(actual.pool_grad, expected.pool_grad);
  EXPECT_LE(normalized_error(actual.gram, expected.gram), 1e-5);
}

// Writing a weight tensor drops its bf16 copy: the next convolution uses the new weights.
TEST_F(CudaBf16, RewrittenWeightsAreConvertedAgain) {
  use(Precision::Bf16);
  const ConvCase c = conv_cases()[0];
  Forward f = forward_operands(c, 80);
  cuda->conv_forward(c.geometry, f.x.cuda, f.w.cuda, f.b.cuda, f.y.cuda);
  const std::vector<float> other =
      random_values(c.geometry.weight_shape().numel(), 83, -0.2f, 0.2f);
  cpu->upload(other.data(), f.w.cpu);
  cuda->upload(other.data(), f.w.cuda);
  cuda_fp32->upload(other.data(), f.w.cuda_fp32);
  run_forward(c.geometry, f);
  expect_close(f.y, kForwardBound, kAgainstFloat32Bound, "after rewriting the weights");
}

}  // namespace
}  // namespace nsrg::test
