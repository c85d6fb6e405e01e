// CPU pooling tests: forward against a naive Caffe-formula loop (max/avg, ceil/floor, pad,
// odd sizes), hand-computed answers, backward against finite differences and tie routing.
#include "tests/cpu/cpu_test_support.h"

namespace nsrg::test {
namespace {

struct PoolCase {
  PoolKind kind;
  int channels, height, width, kernel, stride, pad;
  bool ceil_mode;
};

void PrintTo(const PoolCase& c, std::ostream* out) {
  *out << (c.kind == PoolKind::Max ? "max " : "avg ") << c.channels << "x" << c.height << "x"
       << c.width << " kernel " << c.kernel << " stride " << c.stride << " pad " << c.pad
       << (c.ceil_mode ? " ceil" : " floor");
}

PoolGeometry geometry_of(const PoolCase& c) {
  PoolGeometry g;
  g.kind = c.kind;
  g.kernel_h = g.kernel_w = c.kernel;
  g.stride_h = g.stride_w = c.stride;
  g.pad_h = g.pad_w = c.pad;
  g.ceil_mode = c.ceil_mode;
  return g;
}

// Caffe's pooling_layer.cpp loops, written out in double.
std::vector<double> naive_pool(const PoolGeometry& g, const Shape& in, const Shape& out,
                               const std::vector<float>& x) {
  std::vector<double> y(out.numel());
  for (int c = 0; c < in.c; ++c)
    for (int ph = 0; ph < out.h; ++ph)
      for (int pw = 0; pw < out.w; ++pw) {
        int hstart = ph * g.stride_h - g.pad_h, wstart = pw * g.stride_w - g.pad_w;
        int hend = std::min(hstart + g.kernel_h, in.h + g.pad_h);
        int wend = std::min(wstart + g.kernel_w, in.w + g.pad_w);
        const int pool_size = (hend - hstart) * (wend - wstart);
        hstart = std::max(hstart, 0);
        wstart = std::max(wstart, 0);
        hend = std::min(hend, in.h);
        wend = std::min(wend, in.w);
        double value = g.kind == PoolKind::Max ? -1e300 : 0.0;
        for (int h = hstart; h < hend; ++h)
          for (int w = wstart; w < wend; ++w) {
            const double v = x[(size_t(c) * in.h + h) * in.w + w];
            value = g.kind == PoolKind::Max ? std::max(value, v) : value + v;
          }
        if (g.kind == PoolKind::Average) value /= pool_size;
        y[(size_t(c) * out.h + ph) * out.w + pw] = value;
      }
  return y;
}

class CpuPoolTest : public CpuBackendTest, public ::testing::WithParamInterface<PoolCase> {};

TEST_P(CpuPoolTest, ForwardMatchesCaffeLoop) {
  const PoolCase c = GetParam();
  const PoolGeometry g = geometry_of(c);
  const Shape in{1, c.channels, c.height, c.width};
  const Shape out = g.output_shape(in);
  const std::vector<float> x = random_values(in.numel(), 11);
  Tensor tx = tensor(in, x), ty = backend->empty(out);
  backend->pool_forward(g, tx, ty);
  EXPECT_LT(relative_error(host(ty), naive_pool(g, in, out, x)), 1e-6);
}

TEST_P(CpuPoolTest, BackwardMatchesFiniteDifferences) {
  const PoolCase c = GetParam();
  const PoolGeometry g = geometry_of(c);
  const Shape in{1, c.channels, c.height, c.width};
  const Shape out = g.output_shape(in);
  // Max pooling: distinct values (gaps 0.01 > 2h) so no step changes a window's maximum;
  // average pooling is linear, and values near 1 keep its float rounding small.
  const bool max = c.kind == PoolKind::Max;
  const std::vector<float> x =
      max ? distinct_values(in.numel(), 12) : random_values(in.numel(), 12);
  const std::vector<float> r = random_values(out.numel(), 13);
  Tensor tx = tensor(in, x), ty = backend->empty(out), tr = tensor(out, r);
  Tensor dx = backend->empty(in);
  backend->fill(dx, -7.0f);  // must be overwritten
  backend->pool_forward(g, tx, ty);
  backend->pool_backward(g, tx, ty, tr, dx);
  auto loss = [&](const std::vector<float>& point) {
    Tensor px = tensor(in, point), py = backend->empty(out);
    backend->pool_forward(g, px, py);
    return inner(r, host(py));
  };
  expect_gradient_matches(loss, x, host(dx), max ? 1e-3 : 1e-2, 2e-3, 150);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, CpuPoolTest,
    ::testing::Values(PoolCase{PoolKind::Max, 3, 8, 8, 2, 2, 0, false},  // VGG pool
                      PoolCase{PoolKind::Max, 2, 7, 9, 2, 2, 0, true},   // odd, ceil
                      PoolCase{PoolKind::Max, 2, 7, 9, 2, 2, 0, false},  // odd, floor
                      PoolCase{PoolKind::Max, 2, 9, 8, 3, 2, 1, true},   // pad, ceil
                      PoolCase{PoolKind::Max, 2, 6, 5, 3, 1, 1, false},  // overlapping
                      PoolCase{PoolKind::Average, 3, 8, 8, 2, 2, 0, false},
                      PoolCase{PoolKind::Average, 2, 7, 9, 2, 2, 0, true},
                      PoolCase{PoolKind::Average, 2, 7, 9, 2, 2, 0, false},
                      PoolCase{PoolKind::Average, 2, 9, 8, 3, 2, 1, true},
                      PoolCase{PoolKind::Average, 2, 10, 7, 3, 3, 1, true},
                      PoolCase{PoolKind::Average, 2, 6, 5, 3, 1, 1, false},
                      PoolCase{PoolKind::Max, 9, 64, 66, 2, 2, 0, false},
                      PoolCase{PoolKind::Average, 9, 65, 64, 3, 2, 1, true}));

TEST_F(CpuBackendTest, ParallelPoolingMatchesOneThread) {
  // Above the parallel threshold; planes are independent, so results are identical.
  BackendOptions one_thread;
  one_thread.threads = 1;
  auto single = make_cpu_backend(one_thread);
  const Shape in{1, 16, 259, 260};
  const std::vector<float> x = random_values(in.numel(), 14);
  for (const PoolCase& c : {PoolCase{PoolKind::Max, 0, 0, 0, 2, 2, 0, false},
                            PoolCase{PoolKind::Max, 0, 0, 0, 3, 2, 1, true},
                            PoolCase{PoolKind::Average, 0, 0, 0, 2, 2, 0, true}}) {
    const PoolGeometry g = geometry_of(c);
    const Shape out = g.output_shape(in);
    const std::vector<float> r = random_values(out.numel(), 15);
    std::vector<float> results[2][2];
    for (int b = 0; b < 2; ++b) {
      Backend& backend_b = b == 0 ? *backend : *single;
      Tensor tx = backend_b.from_host(in, x.data()), ty = backend_b.empty(out);
      Tensor tr = backend_b.from_host(out, r.data()), dx = backend_b.empty(in);
      backend_b.pool_forward(g, tx, ty);
      backend_b.pool_backward(g, tx, ty, tr, dx);
      results[b][0] = backend_b.to_host(ty);
      results[b][1] = backend_b.to_host(dx);
    }
    EXPECT_LT(relative_error(results[0][0], naive_pool(g, in, out, x)), 1e-6);
    EXPECT_EQ(results[0][0], results[1][0]);
    EXPECT_EQ(results[0][1], results[1][1]);
  }
}

TEST_F(CpuBackendTest, AveragePoolDivisorCountsPaddingButNotCeilOverhang) {
  // 3x3 input of ones, kernel 2, stride 2, ceil: the last row/column windows hang over the
  // edge and average only what they cover (divisor 2 or 1), so every output is 1.
  PoolGeometry g;
  g.kind = PoolKind::Average;
  g.ceil_mode = true;
  Tensor x = tensor({1, 1, 3, 3}, std::vector<float>(9, 1.0f));
  Tensor y = backend->empty(g.output_shape(x.shape()));
  ASSERT_EQ(y.shape(), (Shape{1, 1, 2, 2}));
  backend->pool_forward(g, x, y);
  EXPECT_EQ(host(y), std::vector<float>(4, 1.0f));
  // Kernel 3, stride 2, pad 1 on 3x3 ones: the corner window covers 2x2 inputs in a 3x3
  // padded window, so the divisor counts the padding: 4/9.
  g.kernel_h = g.kernel_w = 3;
  g.pad_h = g.pad_w = 1;
  g.ceil_mode = false;
  Tensor z = backend->empty(g.output_shape(x.shape()));
  ASSERT_EQ(z.shape(), (Shape{1, 1, 2, 2}));
  backend->pool_forward(g, x, z);
  for (float v : host(z)) EXPECT_FLOAT_EQ(v, 4.0f / 9.0f);
}

TEST_F(CpuBackendTest, MaxPoolRoutesTiedGradientToFirstMaximum) {
  PoolGeometry g;  // max, 2x2 stride 2
  Tensor x = tensor({1, 1, 2, 4}, {5, 5, 1, 2, 5, 5, 2, 2});
  Tensor y = backend->empty({1, 1, 1, 2});
  Tensor dy = tensor({1, 1, 1, 2}, {3, 4});
  Tensor dx = backend->empty(x.shape());
  backend->pool_forward(g, x, y);
  EXPECT_EQ(host(y), (std::vector<float>{5, 2}));
  backend->pool_backward(g, x, y, dy, dx);
  EXPECT_EQ(host(dx), (std::vector<float>{3, 0, 0, 4, 0, 0, 0, 0}));
  // The same through the general path (overlapping windows, stride 1).
  g.stride_h = g.stride_w = 1;
  Tensor y1 = backend->empty({1, 1, 1, 3});
  Tensor dy1 = tensor({1, 1, 1, 3}, {1, 2, 3});
  backend->pool_forward(g, x, y1);
  EXPECT_EQ(host(y1), (std::vector<float>{5, 5, 2}));
  backend->pool_backward(g, x, y1, dy1, dx);
  EXPECT_EQ(host(dx), (std::vector<float>{1, 2, 0, 3, 0, 0, 0, 0}));
}

TEST_F(CpuBackendTest, MaxPoolCeilModeMatchesHandAnswer) {
  PoolGeometry g;
  g.ceil_mode = true;
  // 3x3 -> 2x2; the overhanging windows see only the last row/column.
  Tensor x = tensor({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, -9});
  Tensor y = backend->empty(g.output_shape(x.shape()));
  backend->pool_forward(g, x, y);
  EXPECT_EQ(host(y), (std::vector<float>{5, 6, 8, -9}));
}

}  // namespace
}  // namespace nsrg::test
