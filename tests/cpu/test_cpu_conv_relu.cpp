// Backend::conv_relu_forward on the CPU backend in every precision: the same values as
// conv_forward followed by relu_forward in place on the same backend (with "bf16" oneDNN's
// ReLU post-op before the output's one rounding, so relu(round(s)) = round(relu(s)) holds
// exactly), the output in the precision's layout, and with "bf16" the same bytes on 1, 2 and 3
// threads. The first layer's 3 channels (im2col path) run the two ops.
#include "engine/cpu/cpu_backend_impl.h"
#include "tests/cpu/cpu_test_support.h"

namespace nsrg::test {
namespace {

struct ConvOperands {
  ConvGeometry geometry;
  Shape input;
  std::vector<float> x, w, b;
};

ConvOperands operands(int in_channels, int out_channels, const Shape& input, unsigned seed) {
  const ConvGeometry g = conv3x3(in_channels, out_channels);
  return {g, input, random_values(input.numel(), seed),
          random_values(g.weight_shape().numel(), seed + 1, -0.2f, 0.2f),
          random_values(size_t(out_channels), seed + 2)};
}

// The output of the convolution with its ReLU on `backend`, fused or as two ops.
std::vector<float> conv_relu_on(Backend& backend, const ConvOperands& op, bool fused) {
  Tensor x = backend.from_host(op.input, op.x.data());
  Tensor w = backend.from_host(op.geometry.weight_shape(), op.w.data());
  Tensor b = backend.from_host(op.geometry.bias_shape(), op.b.data());
  Tensor y = backend.empty(op.geometry.output_shape(op.input));
  if (fused) {
    backend.conv_relu_forward(op.geometry, x, w, b, y);
  } else {
    backend.conv_forward(op.geometry, x, w, b, y);
    backend.relu_forward(y, y);
  }
  const CpuBackend& cpu = dynamic_cast<CpuBackend&>(backend);
  EXPECT_EQ(cpu.holds_bf16(y), cpu.precision() == Precision::Bf16);
  return backend.to_host(y);
}

TEST(CpuConvRelu, FusedEqualsConvolutionThenReluInEveryPrecision) {
  const std::vector<ConvOperands> cases = {operands(16, 32, {1, 16, 11, 13}, 1),
                                           operands(3, 16, {1, 3, 9, 14}, 4)};
  for (Precision precision : {Precision::Fp32, Precision::Mixed, Precision::Bf16}) {
    for (const ConvOperands& op : cases) {
      auto backend = cpu_backend_with(precision);
      const std::vector<float> fused = conv_relu_on(*backend, op, true);
      const std::vector<float> separate = conv_relu_on(*backend, op, false);
      EXPECT_EQ(fused, separate) << name_in(kPrecisionNames, precision) << " "
                                 << op.geometry.in_channels << " channels";
      size_t zeros = 0;
      for (float v : fused) zeros += v == 0.0f ? 1 : 0;
      EXPECT_GT(zeros, 0u) << "the ReLU clipped nothing";
      EXPECT_LT(zeros, fused.size()) << "the ReLU clipped everything";
    }
  }
}

TEST(CpuConvRelu, Bf16FusedBytesDoNotDependOnTheThreadCount) {
  const ConvOperands op = operands(32, 64, {1, 32, 70, 90}, 7);
  std::vector<std::vector<float>> outputs;
  for (int threads : {1, 2, 3}) {
    auto backend = cpu_backend_with(Precision::Bf16, threads);
    outputs.push_back(conv_relu_on(*backend, op, true));
  }
  EXPECT_EQ(outputs[0], outputs[1]);
  EXPECT_EQ(outputs[0], outputs[2]);
}

}  // namespace
}  // namespace nsrg::test
