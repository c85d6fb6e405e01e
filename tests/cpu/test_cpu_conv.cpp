// CPU convolution tests: forward against a naive double-precision loop, backward-data
// against central finite differences of <R, conv(x)>, and the weight-layout cache.
#include "tests/cpu/cpu_test_support.h"

namespace nsrg::test {
namespace {

// Fewer than 8 input channels take the im2col path, 8 and more oneDNN.
struct ConvCase {
  int in_channels, out_channels, height, width, kernel, stride, pad;
};

void PrintTo(const ConvCase& c, std::ostream* out) {
  *out << c.in_channels << "->" << c.out_channels << " " << c.height << "x" << c.width << " kernel "
       << c.kernel << " stride " << c.stride << " pad " << c.pad;
}

ConvGeometry geometry_of(const ConvCase& c) {
  ConvGeometry g;
  g.in_channels = c.in_channels;
  g.out_channels = c.out_channels;
  g.kernel_h = g.kernel_w = c.kernel;
  g.stride_h = g.stride_w = c.stride;
  g.pad_h = g.pad_w = c.pad;
  return g;
}

// Cross-correlation with zero padding, in double.
std::vector<double> naive_conv(const ConvGeometry& g, const Shape& in, const std::vector<float>& x,
                               const std::vector<float>& weight, const std::vector<float>& bias) {
  const int out_h = (in.h + 2 * g.pad_h - g.kernel_h) / g.stride_h + 1;
  const int out_w = (in.w + 2 * g.pad_w - g.kernel_w) / g.stride_w + 1;
  std::vector<double> y(size_t(g.out_channels) * out_h * out_w);
  for (int k = 0; k < g.out_channels; ++k)
    for (int oh = 0; oh < out_h; ++oh)
      for (int ow = 0; ow < out_w; ++ow) {
        double sum = bias[k];
        for (int c = 0; c < g.in_channels; ++c)
          for (int i = 0; i < g.kernel_h; ++i)
            for (int j = 0; j < g.kernel_w; ++j) {
              const int h = oh * g.stride_h - g.pad_h + i;
              const int w = ow * g.stride_w - g.pad_w + j;
              if (h < 0 || h >= in.h || w < 0 || w >= in.w) continue;
              sum += double(x[(size_t(c) * in.h + h) * in.w + w]) *
                     weight[((size_t(k) * g.in_channels + c) * g.kernel_h + i) * g.kernel_w + j];
            }
        y[(size_t(k) * out_h + oh) * out_w + ow] = sum;
      }
  return y;
}

class CpuConvTest : public CpuBackendTest, public ::testing::WithParamInterface<ConvCase> {};

TEST_P(CpuConvTest, ForwardMatchesNaiveLoop) {
  const ConvCase c = GetParam();
  const ConvGeometry g = geometry_of(c);
  const Shape in{1, c.in_channels, c.height, c.width};
  const std::vector<float> x = random_values(in.numel(), 1);
  const std::vector<float> w = random_values(g.weight_shape().numel(), 2);
  const std::vector<float> b = random_values(size_t(c.out_channels), 3);
  Tensor tx = tensor(in, x), tw = tensor(g.weight_shape(), w), tb = tensor(g.bias_shape(), b);
  Tensor ty = backend->empty(g.output_shape(in));
  backend->conv_forward(g, tx, tw, tb, ty);
  EXPECT_LT(relative_error(host(ty), naive_conv(g, in, x, w, b)), 1e-5);
  // A second call reuses the cached plan and weights and gives the same result.
  const std::vector<float> first = host(ty);
  backend->conv_forward(g, tx, tw, tb, ty);
  EXPECT_EQ(host(ty), first);
}

TEST_P(CpuConvTest, BackwardDataMatchesFiniteDifferences) {
  const ConvCase c = GetParam();
  const ConvGeometry g = geometry_of(c);
  const Shape in{1, c.in_channels, c.height, c.width};
  const Shape out = g.output_shape(in);
  const std::vector<float> x = random_values(in.numel(), 4);
  const std::vector<float> w = random_values(g.weight_shape().numel(), 5);
  const std::vector<float> b = random_values(size_t(c.out_channels), 6);
  const std::vector<float> r = random_values(out.numel(), 7);
  Tensor tw = tensor(g.weight_shape(), w), tb = tensor(g.bias_shape(), b);
  Tensor tr = tensor(out, r), dx = backend->empty(in);
  backend->fill(dx, 123.0f);  // must be overwritten
  backend->conv_backward_data(g, tr, tw, dx);
  auto loss = [&](const std::vector<float>& point) {
    Tensor tx = tensor(in, point), ty = backend->empty(out);
    backend->conv_forward(g, tx, tw, tb, ty);
    return inner(r, host(ty));
  };
  expect_gradient_matches(loss, x, host(dx), 1e-2, 2e-3);
}

INSTANTIATE_TEST_SUITE_P(Shapes, CpuConvTest,
                         ::testing::Values(ConvCase{3, 8, 7, 9, 3, 1, 1},      // first layer
                                           ConvCase{5, 4, 8, 8, 3, 2, 1},      // stride 2
                                           ConvCase{4, 6, 9, 7, 1, 1, 0},      // 1x1
                                           ConvCase{3, 5, 11, 10, 5, 1, 2},    // 5x5 pad 2
                                           ConvCase{6, 7, 10, 13, 5, 2, 0},    // 5x5 stride 2
                                           ConvCase{2, 3, 5, 5, 3, 2, 0},      // odd, no pad
                                           ConvCase{32, 16, 12, 11, 3, 1, 1},  // blocked
                                           ConvCase{17, 19, 6, 7, 3, 1, 1},    // ragged blocks
                                           ConvCase{64, 64, 9, 9, 3, 1, 1},
                                           ConvCase{8, 12, 11, 10, 5, 2, 2},  // oneDNN from
                                           ConvCase{16, 8, 9, 9, 1, 1, 0},    // here on
                                           ConvCase{16, 16, 10, 9, 3, 2, 1},
                                           ConvCase{9, 5, 7, 8, 3, 2, 0}));

TEST_F(CpuBackendTest, LargeFirstLayerConvMatchesNaiveLoopAndFiniteDifferences) {
  // The im2col path with its loops above the parallel threshold (27 x 200*200 columns).
  const ConvGeometry g = geometry_of({3, 8, 200, 200, 3, 1, 1});
  const Shape in{1, 3, 200, 200};
  const Shape out = g.output_shape(in);
  const std::vector<float> x = random_values(in.numel(), 11);
  const std::vector<float> w = random_values(g.weight_shape().numel(), 12);
  const std::vector<float> b = random_values(8, 13);
  const std::vector<float> r = random_values(out.numel(), 14);
  Tensor tx = tensor(in, x), tw = tensor(g.weight_shape(), w), tb = tensor(g.bias_shape(), b);
  Tensor ty = backend->empty(out), tr = tensor(out, r), dx = backend->empty(in);
  backend->conv_forward(g, tx, tw, tb, ty);
  EXPECT_LT(relative_error(host(ty), naive_conv(g, in, x, w, b)), 1e-5);
  backend->conv_backward_data(g, tr, tw, dx);
  auto loss = [&](const std::vector<float>& point) {
    Tensor px = tensor(in, point), py = backend->empty(out);
    backend->conv_forward(g, px, tw, tb, py);
    return inner(r, host(py));
  };
  expect_gradient_matches(loss, x, host(dx), 1e-2, 2e-3, 16);
}

TEST_F(CpuBackendTest, ConvWeightsRewrittenInPlaceAreNotServedFromCache) {
  const ConvGeometry g = geometry_of({16, 16, 6, 6, 3, 1, 1});
  const Shape in{1, 16, 6, 6};
  const std::vector<float> x = random_values(in.numel(), 8);
  const std::vector<float> w1 = random_values(g.weight_shape().numel(), 9);
  const std::vector<float> w2 = random_values(g.weight_shape().numel(), 10);
  const std::vector<float> b(16, 0.0f);
  Tensor tx = tensor(in, x), tw = tensor(g.weight_shape(), w1), tb = tensor(g.bias_shape(), b);
  Tensor ty = backend->empty(in);
  backend->conv_forward(g, tx, tw, tb, ty);
  EXPECT_LT(relative_error(host(ty), naive_conv(g, in, x, w1, b)), 1e-5);
  Tensor dx1 = backend->empty(in), dx2 = backend->empty(in);
  backend->conv_backward_data(g, ty, tw, dx1);
  backend->upload(w2.data(), tw);
  backend->conv_forward(g, tx, tw, tb, ty);
  EXPECT_LT(relative_error(host(ty), naive_conv(g, in, x, w2, b)), 1e-5);
  // Backward-data with the new weights equals a fresh tensor holding them.
  Tensor fresh = tensor(g.weight_shape(), w2);
  backend->conv_backward_data(g, ty, tw, dx1);
  backend->conv_backward_data(g, ty, fresh, dx2);
  EXPECT_EQ(host(dx1), host(dx2));
  // A weight tensor allocated where a released one lived is not confused with it.
  tw = Tensor();
  Tensor tw3 = tensor(g.weight_shape(), w1);
  backend->conv_forward(g, tx, tw3, tb, ty);
  EXPECT_LT(relative_error(host(ty), naive_conv(g, in, x, w1, b)), 1e-5);
}

}  // namespace
}  // namespace nsrg::test
