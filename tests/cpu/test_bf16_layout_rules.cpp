// The element rules the CUDA backend's bf16 layout kernels run (engine/core/bf16_layout_rules.h),
// run here on the host against the CPU backend's own bf16 layout code (cpu_bf16_layout.h)
// and naive loops, bit for bit: the NCHW <-> NHWC index maps and conversions, the weights'
// KCRS -> KRSC map, the bias add, ReLU and its backward, max and average pooling (padding,
// ceil-mode overhang, ties) and max pooling's argmax. A CUDA kernel applies one rule per output
// element (kernels/bf16_layout.cu), so what a GPU adds is only the launch and the indexing these
// loops mirror.
#include <cstdint>
#include <vector>

#include "engine/core/bf16_layout_rules.h"
#include "engine/cpu/cpu_bf16_layout.h"
#include "tests/cpu/cpu_test_support.h"

namespace nsrg::test {
namespace {

std::vector<uint16_t> to_bf16(const std::vector<float>& values) {
  std::vector<uint16_t> out(values.size());
  for (size_t i = 0; i < values.size(); ++i) out[i] = float_to_bf16(values[i]);
  return out;
}

// The loop of kernels/bf16_layout.cu's nchw_to_bf16_nhwc and bf16_nhwc_to_nchw kernels.
TEST(Bf16LayoutRules, ConversionsMatchTheCpuBackend) {
  const Shape shape{1, 13, 7, 29};
  const size_t channels = size_t(shape.c), plane = size_t(shape.h) * size_t(shape.w);
  const std::vector<float> values = random_values(shape.numel(), 5, -50.0f, 50.0f);
  std::vector<uint16_t> rule(shape.numel()), cpu_nhwc(shape.numel());
  for (size_t i = 0; i < rule.size(); ++i)
    rule[i] = float_to_bf16(values[nchw_index_of_nhwc(i, channels, plane)]);
  cpu::nchw_to_bf16_nhwc(shape, values.data(), cpu_nhwc.data(), 2);
  EXPECT_EQ(rule, cpu_nhwc);

  std::vector<float> back(shape.numel()), cpu_back(shape.numel());
  for (size_t i = 0; i < back.size(); ++i)
    back[i] = bf16_to_float(rule[nhwc_index_of_nchw(i, channels, plane)]);
  cpu::bf16_nhwc_to_nchw(shape, cpu_nhwc.data(), cpu_back.data(), 2);
  EXPECT_EQ(back, cpu_back);
  for (size_t i = 0; i < values.size(); ++i)
    ASSERT_EQ(back[i], bf16_to_float(float_to_bf16(values[i]))) << i;
}

TEST(Bf16LayoutRules, WeightsMapToChannelsLast) {
  const size_t filters = 3, channels = 5, taps = 9;
  for (size_t k = 0; k < filters; ++k)
    for (size_t c = 0; c < channels; ++c)
      for (size_t tap = 0; tap < taps; ++tap)
        ASSERT_EQ(kcrs_index_of_krsc((k * taps + tap) * channels + c, channels, taps),
                  (k * channels + c) * taps + tap);
}

TEST(Bf16LayoutRules, BiasAddRoundsTheSumOnce) {
  const size_t channels = 6, plane = 10;
  const std::vector<float> values = random_values(channels * plane, 9, -4.0f, 4.0f);
  const std::vector<float> bias = random_values(channels, 10, -1.0f, 1.0f);
  std::vector<uint16_t> y = to_bf16(values);
  const std::vector<uint16_t> before = y;
  for (size_t i = 0; i < y.size(); ++i)
    bf16_nhwc_bias_add_element(y.data(), bias.data(), channels, i);
  for (size_t i = 0; i < y.size(); ++i)
    ASSERT_EQ(y[i], float_to_bf16(bf16_to_float(before[i]) + bias[i % channels])) << i;
}

TEST(Bf16LayoutRules, ReluAndItsBackwardMatchTheCpuBackend) {
  const Shape shape{1, 9, 5, 11};
  const size_t channels = size_t(shape.c), plane = size_t(shape.h) * size_t(shape.w);
  std::vector<float> values = random_values(shape.numel(), 11, -1.0f, 1.0f);
  values[0] = -0.0f;
  values[1] = 0.0f;
  const std::vector<uint16_t> x = to_bf16(values);
  std::vector<uint16_t> rule(x.size()), cpu_relu(x.size());
  for (size_t i = 0; i < x.size(); ++i) rule[i] = bf16_relu_value(x[i]);
  cpu::bf16_relu(x.size(), x.data(), cpu_relu.data(), 2);
  EXPECT_EQ(rule, cpu_relu);
  EXPECT_EQ(rule[0], 0u);  // -0 becomes +0

  const std::vector<float> dy = random_values(shape.numel(), 12, -1.0f, 1.0f);
  std::vector<float> dx(dy.size()), cpu_dx(dy.size());
  for (size_t i = 0; i < dx.size(); ++i)
    dx[i] = bf16_relu_gradient(rule[nhwc_index_of_nchw(i, channels, plane)], dy[i]);
  cpu::bf16_nhwc_relu_backward(shape, rule.data(), dy.data(), cpu_dx.data(), 2);
  EXPECT_EQ(dx, cpu_dx);
}

// The argmax of max pooling's backward on the layout against pooling_rules.h's
// first_max_offset on the same values widened to float32 NCHW (what the float32 path reads).
void expect_same_argmax(const PoolWindowShape& window, const std::vector<uint16_t>& x,
                        const Shape& input) {
  const size_t channels = size_t(input.c), plane = size_t(input.h) * size_t(input.w);
  std::vector<float> nchw(x.size());
  for (size_t i = 0; i < nchw.size(); ++i)
    nchw[i] = bf16_to_float(x[nhwc_index_of_nchw(i, channels, plane)]);
  for (size_t c = 0; c < channels; ++c)
    for (int oh = 0; oh < window.out_h; ++oh)
      for (int ow = 0; ow < window.out_w; ++ow)
        ASSERT_EQ(bf16_nhwc_first_max_offset(window, x.data(), channels, c, oh, ow),
                  first_max_offset(nchw.data() + c * plane, window.in_w, pool_row_span(window, oh),
                                   pool_column_span(window, ow)))
            << "channel " << c << " output " << oh << "," << ow;
}

// Max and average pooling on the layout, one output element at a time as the kernel does,
// against the CPU backend's bf16 pooling: 2x2/2 (VGG's), 3x3/2 with padding and a ceil-mode
// overhang, on tied values for the first-maximum rule.
TEST(Bf16LayoutRules, PoolingMatchesTheCpuBackend) {
  struct Case {
    PoolGeometry geometry;
    Shape input;
  };
  PoolGeometry vgg;
  vgg.kernel_h = vgg.kernel_w = 2;
  vgg.stride_h = vgg.stride_w = 2;
  PoolGeometry padded;
  padded.kernel_h = padded.kernel_w = 3;
  padded.stride_h = padded.stride_w = 2;
  padded.pad_h = padded.pad_w = 1;
  padded.ceil_mode = true;
  for (const Case& c : {Case{vgg, {1, 8, 12, 10}}, Case{padded, {1, 11, 9, 8}}}) {
    for (PoolKind kind : {PoolKind::Max, PoolKind::Average}) {
      PoolGeometry g = c.geometry;
      g.kind = kind;
      const Shape out = g.output_shape(c.input);
      const size_t channels = size_t(c.input.c);
      std::vector<float> values = random_values(c.input.numel(), 13, -2.0f, 2.0f);
      for (size_t i = 0; i < values.size(); i += 3) values[i] = 1.0f;  // ties
      const std::vector<uint16_t> x = to_bf16(values);
      const PoolWindowShape window = pool_window_shape(g, c.input, out);
      std::vector<uint16_t> rule(out.numel()), cpu_pool(out.numel());
      for (size_t i = 0; i < rule.size(); ++i) {
        const size_t position = i / channels;
        rule[i] =
            bf16_nhwc_pool_value(window, kind == PoolKind::Max, x.data(), channels, i % channels,
                                 int(position / size_t(out.w)), int(position % size_t(out.w)));
      }
      cpu::bf16_nhwc_pool(g, c.input, out, x.data(), cpu_pool.data(), 2);
      EXPECT_EQ(rule, cpu_pool) << c.input.str() << (kind == PoolKind::Max ? " max" : " avg");
      if (kind == PoolKind::Max) expect_same_argmax(window, x, c.input);
    }
  }
}

}  // namespace
}  // namespace nsrg::test
