// The CPU backend's bf16 precisions layer by layer, against the float32 CPU backend and naive
// loops: the NHWC bf16 layout conversions (engine/core/ring_values.h's rounding per element),
// bf16 convolutions forward ("bf16") and backward-data ("mixed", "bf16") within bounds
// measured here, ReLU and pooling on the bf16 layout against the float32 ops on the same
// bf16 values, and the one-line note for a CPU without AMX.
#include <cstdint>

#include "engine/core/ring_values.h"
#include "engine/cpu/cpu_bf16_layout.h"
#include "engine/cpu/cpu_features.h"
#include "tests/cpu/cpu_test_support.h"

namespace nsrg::test {
namespace {

// A oneDNN-path convolution (8 or more input channels) with odd spatial sizes.
ConvGeometry test_geometry() {
  ConvGeometry g;
  g.in_channels = 16;
  g.out_channels = 32;
  g.kernel_h = g.kernel_w = 3;
  g.stride_h = g.stride_w = 1;
  g.pad_h = g.pad_w = 1;
  return g;
}

const Shape kInput{1, 16, 11, 13};

std::unique_ptr<Backend> backend_with(Precision precision) {
  BackendOptions options;
  options.precision = precision;
  return make_cpu_backend(options);
}

std::vector<float> rounded_to_bf16(std::vector<float> values) {
  for (float& v : values) v = bf16_to_float(float_to_bf16(v));
  return values;
}

TEST(CpuBf16Layout, ConversionsRoundEachElementAndTranspose) {
  const Shape shape{1, 5, 7, 67};  // more pixels than one conversion tile
  const std::vector<float> values = random_values(shape.numel(), 3, -100.0f, 100.0f);
  std::vector<uint16_t> nhwc(shape.numel());
  cpu::nchw_to_bf16_nhwc(shape, values.data(), nhwc.data(), 2);
  const size_t pixels = size_t(shape.h) * shape.w;
  for (size_t c = 0; c < size_t(shape.c); ++c)
    for (size_t p = 0; p < pixels; ++p)
      ASSERT_EQ(nhwc[p * shape.c + c], float_to_bf16(values[c * pixels + p])) << c << " " << p;
  std::vector<float> back(shape.numel());
  cpu::bf16_nhwc_to_nchw(shape, nhwc.data(), back.data(), 2);
  EXPECT_EQ(back, rounded_to_bf16(values));
}

// The forward convolution in bf16 against float32 on the same data. The bound: 2^-8 (bf16's
// relative rounding of inputs and weights) times a few; measured 3.1e-3 (max relative to the
// output's scale) on the AMX machine of 2026-12-06.
TEST(CpuBf16Conv, ForwardIsCloseToFloat32AndReadsBackAsFloat32) {
  const ConvGeometry g = test_geometry();
  auto fp32 = backend_with(Precision::Fp32);
  auto bf16 = backend_with(Precision::Bf16);
  const std::vector<float> x = random_values(kInput.numel(), 1);
  const std::vector<float> w = random_values(g.weight_shape().numel(), 2, -0.2f, 0.2f);
  const std::vector<float> b = random_values(size_t(g.out_channels), 4);
  std::vector<std::vector<float>> outputs;
  for (Backend* backend : {fp32.get(), bf16.get()}) {
    Tensor xt = backend->from_host(kInput, x.data());
    Tensor wt = backend->from_host(g.weight_shape(), w.data());
    Tensor bt = backend->from_host(g.bias_shape(), b.data());
    Tensor y = backend->empty(g.output_shape(kInput));
    backend->conv_forward(g, xt, wt, bt, y);
    outputs.push_back(backend->to_host(y));
  }
  const double error = relative_error(outputs[1], outputs[0]);
  std::printf("bf16 conv forward: max relative error %.3g\n", error);
  EXPECT_GT(error, 0.0);  // bf16 did run
  EXPECT_LE(error, 1e-2);
}

// Backward-data in bf16 (mixed and bf16 alike) against float32. Measured 2.4e-3 max relative
// error on the AMX machine of 2026-12-06.
TEST(CpuBf16Conv, BackwardDataIsCloseToFloat32) {
  const ConvGeometry g = test_geometry();
  const Shape output = g.output_shape(kInput);
  const std::vector<float> dy = random_values(output.numel(), 5);
  const std::vector<float> w = random_values(g.weight_shape().numel(), 6, -0.2f, 0.2f);
  std::vector<std::vector<float>> results;
  for (Precision precision : {Precision::Fp32, Precision::Mixed, Precision::Bf16}) {
    auto backend = backend_with(precision);
    Tensor dyt = backend->from_host(output, dy.data());
    Tensor wt = backend->from_host(g.weight_shape(), w.data());
    Tensor dx = backend->empty(kInput);
    backend->conv_backward_data(g, dyt, wt, dx);
    results.push_back(backend->to_host(dx));
  }
  for (size_t k = 1; k < results.size(); ++k) {
    const double error = relative_error(results[k], results[0]);
    std::printf("bf16 conv backward-data (%s): max relative error %.3g\n",
                k == 1 ? "mixed" : "bf16", error);
    EXPECT_GT(error, 0.0);
    EXPECT_LE(error, 1e-2);
  }
  EXPECT_EQ(results[1], results[2]);  // one backward-data path for both
}

// A bf16 conv output, then ReLU (in place) and pooling on the bf16 layout, against the
// float32 ops on the very bf16 values: ReLU and max pooling exactly, average pooling within
// one bf16 rounding of the float32 average; ReLU backward from the bf16 layout exactly.
TEST(CpuBf16Layers, ReluAndPoolingOnTheLayoutMatchFloat32OnTheSameValues) {
  const ConvGeometry g = test_geometry();
  auto fp32 = backend_with(Precision::Fp32);
  auto bf16 = backend_with(Precision::Bf16);
  const std::vector<float> x = random_values(kInput.numel(), 7);
  const std::vector<float> w = random_values(g.weight_shape().numel(), 8, -0.2f, 0.2f);
  const std::vector<float> b = random_values(size_t(g.out_channels), 9);
  const Shape conv_out = g.output_shape(kInput);
  Tensor xt = bf16->from_host(kInput, x.data());
  Tensor wt = bf16->from_host(g.weight_shape(), w.data());
  Tensor bt = bf16->from_host(g.bias_shape(), b.data());
  for (PoolKind kind : {PoolKind::Max, PoolKind::Average}) {
    PoolGeometry pool;
    pool.kind = kind;
    pool.ceil_mode = true;  // 11x13 -> 6x7 with overhanging windows
    const Shape pooled = pool.output_shape(conv_out);
    Tensor y = bf16->empty(conv_out);
    bf16->conv_forward(g, xt, wt, bt, y);
    Tensor relu_out = bf16->empty(conv_out);
    bf16->relu_forward(y, relu_out);
    bf16->relu_forward(y, y);  // in place, as the network runs it
    Tensor p = bf16->empty(pooled);
    bf16->pool_forward(pool, relu_out, p);
    // Reference: float32 ops on the conv output's bf16 values (read back exactly).
    Tensor again = bf16->empty(conv_out);
    bf16->conv_forward(g, xt, wt, bt, again);
    const std::vector<float> pre = bf16->to_host(again);
    EXPECT_EQ(pre, rounded_to_bf16(pre));
    Tensor ref_in = fp32->from_host(conv_out, pre.data());
    Tensor ref_relu = fp32->empty(conv_out);
    fp32->relu_forward(ref_in, ref_relu);
    Tensor ref_pool = fp32->empty(pooled);
    fp32->pool_forward(pool, ref_relu, ref_pool);
    const std::vector<float> expected_pool = fp32->to_host(ref_pool);
    const std::vector<float> got_pool = bf16->to_host(p);
    if (kind == PoolKind::Max)
      EXPECT_EQ(got_pool, expected_pool);
    else
      EXPECT_LE(relative_error(got_pool, expected_pool), 1.0 / 256);
    // ReLU backward reads the in-place bf16 output y where it lies.
    const std::vector<float> dy = random_values(conv_out.numel(), 10);
    Tensor dyt = bf16->from_host(conv_out, dy.data());
    Tensor dx = bf16->empty(conv_out);
    bf16->relu_backward(y, dyt, dx);
    Tensor ref_dy = fp32->from_host(conv_out, dy.data());
    Tensor ref_dx = fp32->empty(conv_out);
    fp32->relu_backward(ref_relu, ref_dy, ref_dx);
    EXPECT_EQ(bf16->to_host(dx), fp32->to_host(ref_dx));
    EXPECT_EQ(bf16->to_host(relu_out), fp32->to_host(ref_relu));
    EXPECT_EQ(bf16->to_host(y), fp32->to_host(ref_relu));
  }
}

// Max pooling of full 2x2 windows (the vectorized kernel) on bf16 values of both signs (a conv
// output before its ReLU), against the float32 op on the same values, exactly.
TEST(CpuBf16Layers, MaxPoolingOfFull2x2WindowsMatchesFloat32) {
  const ConvGeometry g = test_geometry();
  const Shape input{1, 16, 10, 14};
  const Shape conv_out = g.output_shape(input);
  auto fp32 = backend_with(Precision::Fp32);
  auto bf16 = backend_with(Precision::Bf16);
  const std::vector<float> x = random_values(input.numel(), 11);
  const std::vector<float> w = random_values(g.weight_shape().numel(), 12, -0.2f, 0.2f);
  const std::vector<float> b(size_t(g.out_channels), 0.0f);
  Tensor xt = bf16->from_host(input, x.data());
  Tensor wt = bf16->from_host(g.weight_shape(), w.data());
  Tensor bt = bf16->from_host(g.bias_shape(), b.data());
  Tensor y = bf16->empty(conv_out);
  bf16->conv_forward(g, xt, wt, bt, y);
  PoolGeometry pool;
  pool.kind = PoolKind::Max;
  const Shape pooled = pool.output_shape(conv_out);
  Tensor p = bf16->empty(pooled);
  bf16->pool_forward(pool, y, p);
  Tensor ref_in = fp32->from_host(conv_out, bf16->to_host(y).data());
  Tensor ref_pool = fp32->empty(pooled);
  fp32->pool_forward(pool, ref_in, ref_pool);
  const std::vector<float> got = bf16->to_host(p);
  EXPECT_EQ(got, fp32->to_host(ref_pool));
  size_t negative = 0;
  for (float v : got) negative += v < 0.0f ? 1 : 0;
  EXPECT_GT(negative, 0u) << "no window had only negative values";
}

// conv (16->32), ReLU, conv (32->16) forward, then backward to the input as the network runs
// it: with mixed and bf16 the gradients stay float32 NHWC between the backward-data
// convolutions and through ReLU backward (mixed: float32 NCHW ReLU output; bf16: bf16 NHWC),
// in place and not. Against the float32 chain. Measured max relative error on the AMX
// machine of 2026-12-06: 3.2e-3 (mixed) and 2.8e-2 (bf16, whose bf16 forward flips the ReLU
// mask of values near 0); bounds 1e-2 and 6e-2.
TEST(CpuBf16Layers, BackwardChainThroughReluMatchesFloat32) {
  const ConvGeometry first = test_geometry();
  ConvGeometry second = first;
  second.in_channels = 32;
  second.out_channels = 16;
  const Shape hidden = first.output_shape(kInput);
  const Shape output = second.output_shape(hidden);
  const std::vector<float> x = random_values(kInput.numel(), 11);
  const std::vector<float> w1 = random_values(first.weight_shape().numel(), 12, -0.2f, 0.2f);
  const std::vector<float> w2 = random_values(second.weight_shape().numel(), 13, -0.2f, 0.2f);
  const std::vector<float> b1 = random_values(size_t(first.out_channels), 14);
  const std::vector<float> dz = random_values(output.numel(), 15);
  std::vector<std::vector<float>> in_place, separate;
  for (Precision precision : {Precision::Fp32, Precision::Mixed, Precision::Bf16}) {
    auto backend = backend_with(precision);
    Tensor xt = backend->from_host(kInput, x.data());
    Tensor w1t = backend->from_host(first.weight_shape(), w1.data());
    Tensor w2t = backend->from_host(second.weight_shape(), w2.data());
    Tensor b1t = backend->from_host(first.bias_shape(), b1.data());
    Tensor dzt = backend->from_host(output, dz.data());
    Tensor y = backend->empty(hidden);
    backend->conv_forward(first, xt, w1t, b1t, y);
    backend->relu_forward(y, y);
    for (bool same : {true, false}) {
      Tensor dy = backend->empty(hidden);
      Tensor dy_relu = backend->empty(hidden);
      Tensor dx = backend->empty(kInput);
      backend->conv_backward_data(second, dzt, w2t, dy);
      Tensor& relu_grad = same ? dy : dy_relu;
      backend->relu_backward(y, dy, relu_grad);
      backend->conv_backward_data(first, relu_grad, w1t, dx);
      (same ? in_place : separate).push_back(backend->to_host(dx));
    }
  }
  for (size_t k = 1; k < 3; ++k) {
    const double error = relative_error(in_place[k], in_place[0]);
    std::printf("backward chain (%s): max relative error %.3g\n", k == 1 ? "mixed" : "bf16", error);
    EXPECT_GT(error, 0.0);
    EXPECT_LE(error, k == 1 ? 1e-2 : 6e-2);
    EXPECT_EQ(in_place[k], separate[k]);
  }
}

TEST(CpuFeatures, AmxIsAWholeWordOfTheFlags) {
  EXPECT_TRUE(cpu::has_amx_bf16(" fpu avx512_bf16 amx_bf16 amx_tile amx_int8"));
  EXPECT_TRUE(cpu::has_amx_bf16("amx_bf16"));
  EXPECT_FALSE(cpu::has_amx_bf16(" fpu avx512f avx512_bf16"));  // Zen 4: no AMX
  EXPECT_FALSE(cpu::has_amx_bf16(" amx_bf16x amx_tile"));
  EXPECT_FALSE(cpu::has_amx_bf16(""));
}

TEST(CpuFeatures, OneLineForBf16WithoutAmx) {
  const std::string zen4 = " fpu avx512f avx512_bf16";
  const std::string amx = " avx512_bf16 amx_bf16 amx_tile";
  for (Precision precision : {Precision::Mixed, Precision::Bf16}) {
    const std::string note = cpu::bf16_speed_note(precision, zen4);
    EXPECT_NE(note.find(std::string("\"") + name_in(kPrecisionNames, precision) + "\""),
              std::string::npos)
        << note;
    EXPECT_NE(note.find("slower"), std::string::npos) << note;
    EXPECT_EQ(note.find('\n'), std::string::npos) << note;
    EXPECT_EQ(cpu::bf16_speed_note(precision, amx), "");
  }
  EXPECT_EQ(cpu::bf16_speed_note(Precision::Fp32, zen4), "");
}

}  // namespace
}  // namespace nsrg::test
