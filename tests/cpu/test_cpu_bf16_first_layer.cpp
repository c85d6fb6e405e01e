// The first convolution (fewer than 8 input channels: the im2col path of cpu_conv_gemm.h) on
// the bf16 precisions' layouts: with "bf16" its output is the float32 convolution's rounded
// once to bf16 NHWC (exactly float_to_bf16 of the float32 backend's values), and with "mixed"
// and "bf16" its backward-data reads a float32 NHWC gradient without converting it (against
// the float32 op on the same values); both give the same bytes on 1, 2 and 3 threads.
#include "engine/core/ring_values.h"
#include "engine/cpu/cpu_backend_impl.h"
#include "tests/cpu/cpu_test_support.h"

namespace nsrg::test {
namespace {

CpuBackend& cpu(Backend& backend) {
  return dynamic_cast<CpuBackend&>(backend);
}

// A VGG first layer: 3 input channels, 3x3, padding 1.
ConvGeometry first_layer(int out_channels) {
  return conv3x3(3, out_channels);
}

// The forward output of the first layer on `backend` (image values in the preprocessed range
// of Caffe VGG: about -124 .. 152).
std::vector<float> forward_on(Backend& backend, const ConvGeometry& g, const Shape& input,
                              bool expect_bf16) {
  const std::vector<float> x = random_values(input.numel(), 1, -124.0f, 152.0f);
  const std::vector<float> w = random_values(g.weight_shape().numel(), 2, -0.2f, 0.2f);
  const std::vector<float> b = random_values(size_t(g.out_channels), 3);
  Tensor xt = backend.from_host(input, x.data());
  Tensor wt = backend.from_host(g.weight_shape(), w.data());
  Tensor bt = backend.from_host(g.bias_shape(), b.data());
  Tensor y = backend.empty(g.output_shape(input));
  backend.conv_forward(g, xt, wt, bt, y);
  EXPECT_EQ(cpu(backend).holds_bf16(y), expect_bf16);
  return backend.to_host(y);
}

TEST(CpuBf16FirstLayer, ForwardIsTheFloat32ConvolutionRoundedOnceToBf16) {
  const ConvGeometry g = first_layer(24);
  const Shape input{1, 3, 11, 37};
  auto fp32 = cpu_backend_with(Precision::Fp32);
  auto bf16 = cpu_backend_with(Precision::Bf16);
  std::vector<float> expected = forward_on(*fp32, g, input, false);
  for (float& v : expected) v = bf16_to_float(float_to_bf16(v));
  EXPECT_EQ(forward_on(*bf16, g, input, true), expected);
}

// A float32 NHWC gradient of `shape` on `backend` (the backward-data convolution of a
// 16-channel layer reading `shape`, from random values), checked to be in that layout.
Tensor nhwc_gradient(Backend& backend, const Shape& shape, unsigned seed) {
  const ConvGeometry next = conv3x3(shape.c, 16);
  const Shape next_output = next.output_shape(shape);
  const std::vector<float> v = random_values(next.weight_shape().numel(), seed, -0.2f, 0.2f);
  const std::vector<float> dz = random_values(next_output.numel(), seed + 1);
  Tensor vt = backend.from_host(next.weight_shape(), v.data());
  Tensor dzt = backend.from_host(next_output, dz.data());
  Tensor gradient = backend.empty(shape);
  backend.conv_backward_data(next, dzt, vt, gradient);
  EXPECT_TRUE(cpu(backend).holds_nhwc(gradient));
  return gradient;
}

// Backward-data of the first layer on a float32 NHWC gradient: the gradient is read in its
// layout (it is still NHWC afterwards) and dx matches the float32 op on the same values to
// float32 rounding (the GEMM multiplies dy transposed, so its sums may round differently;
// measured 0 and ~1e-7 relative).
TEST(CpuBf16FirstLayer, BackwardDataReadsAnNhwcGradientAsItIs) {
  const ConvGeometry g = first_layer(16);
  const Shape input{1, 3, 13, 29};
  const Shape output = g.output_shape(input);
  auto fp32 = cpu_backend_with(Precision::Fp32);
  const std::vector<float> w = random_values(g.weight_shape().numel(), 5, -0.2f, 0.2f);
  for (Precision precision : {Precision::Mixed, Precision::Bf16}) {
    auto backend = cpu_backend_with(precision);
    Tensor dy = nhwc_gradient(*backend, output, 6);
    Tensor wt = backend->from_host(g.weight_shape(), w.data());
    Tensor dx = backend->empty(input);
    backend->conv_backward_data(g, dy, wt, dx);
    EXPECT_TRUE(cpu(*backend).holds_nhwc(dy)) << "dy was converted";
    const std::vector<float> got = backend->to_host(dx);
    Tensor rdy = fp32->from_host(output, backend->to_host(dy).data());
    Tensor rw = fp32->from_host(g.weight_shape(), w.data());
    Tensor rdx = fp32->empty(input);
    fp32->conv_backward_data(g, rdy, rw, rdx);
    const double error = relative_error(got, fp32->to_host(rdx));
    std::printf("%s first-layer backward-data on NHWC dy: max relative error %.3g\n",
                name_in(kPrecisionNames, precision), error);
    EXPECT_LE(error, 1e-6);
  }
}

// Both directions past the parallel threshold (im2col columns and output over 1M floats) give
// the same bytes on 1, 2 and 3 threads.
TEST(CpuBf16FirstLayer, BytesDoNotDependOnTheThreadCount) {
  const ConvGeometry g = first_layer(32);
  const Shape input{1, 3, 190, 210};
  const std::vector<float> w = random_values(g.weight_shape().numel(), 7, -0.2f, 0.2f);
  std::vector<std::vector<float>> forwards, backwards;
  for (int threads : {1, 2, 3}) {
    auto backend = cpu_backend_with(Precision::Bf16, threads);
    forwards.push_back(forward_on(*backend, g, input, true));
    Tensor dy = nhwc_gradient(*backend, g.output_shape(input), 8);
    Tensor wt = backend->from_host(g.weight_shape(), w.data());
    Tensor dx = backend->empty(input);
    backend->conv_backward_data(g, dy, wt, dx);
    backwards.push_back(backend->to_host(dx));
  }
  EXPECT_EQ(forwards[0], forwards[1]);
  EXPECT_EQ(forwards[0], forwards[2]);
  EXPECT_EQ(backwards[0], backwards[1]);
  EXPECT_EQ(backwards[0], backwards[2]);
}

}  // namespace
}  // namespace nsrg::test
