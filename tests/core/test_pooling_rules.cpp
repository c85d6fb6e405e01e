// The pooling rules of engine/core/pooling_rules.h (shared by the CPU backend and the CUDA
// kernels) against naive loops written here: window bounds and divisors by enumerating
// window positions, the first-maximum tie rule, the forward values in float64, and the
// backward gather against a float64 scatter over the outputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "engine/core/pooling_rules.h"

namespace nsrg {
namespace {

// Pooling geometries with overlap, padding, ceil overhang and plain 2x2.
std::vector<PoolWindowShape> shapes() {
  std::vector<PoolWindowShape> result;
  const struct {
    int in_h, in_w, kernel, stride, pad;
    bool ceil;
  } cases[] = {{6, 6, 2, 2, 0, false}, {7, 5, 2, 2, 0, true},  {7, 6, 3, 2, 1, false},
               {5, 7, 3, 2, 1, true},  {4, 4, 3, 1, 1, false}, {9, 8, 3, 3, 0, true},
               {2, 3, 2, 1, 0, false}};
  for (const auto& c : cases) {
    PoolGeometry g;
    g.kernel_h = g.kernel_w = c.kernel;
    g.stride_h = g.stride_w = c.stride;
    g.pad_h = g.pad_w = c.pad;
    g.ceil_mode = c.ceil;
    const Shape in{1, 1, c.in_h, c.in_w};
    result.push_back(pool_window_shape(g, in, g.output_shape(in)));
  }
  return result;
}

std::string describe(const PoolWindowShape& s) {
  return std::to_string(s.in_h) + "x" + std::to_string(s.in_w) + " k" + std::to_string(s.kernel_h) +
         " s" + std::to_string(s.stride_h) + " p" + std::to_string(s.pad_h) + " -> " +
         std::to_string(s.out_h) + "x" + std::to_string(s.out_w);
}

TEST(PoolingRules, WindowSpansAndDivisorsByEnumeration) {
  for (const PoolWindowShape& s : shapes()) {
    for (int o = 0; o < s.out_h; ++o) {
      // Naive: every kernel position of the window, counted inside the input and inside the
      // padded input [-pad, in + pad).
      int first = -1, last = -1, padded = 0;
      for (int t = 0; t < s.kernel_h; ++t) {
        const int position = o * s.stride_h - s.pad_h + t;
        if (position >= 0 && position < s.in_h) {
          if (first < 0) first = position;
          last = position + 1;
        }
        if (position < s.in_h + s.pad_h) ++padded;
      }
      const WindowSpan span = pool_row_span(s, o);
      EXPECT_EQ(span.begin, first) << describe(s) << " output " << o;
      EXPECT_EQ(span.end, last) << describe(s) << " output " << o;
      EXPECT_EQ(span.padded_extent, padded) << describe(s) << " output " << o;
    }
    const WindowSpan rows = pool_row_span(s, 0), columns = pool_column_span(s, 0);
    EXPECT_EQ(average_divisor(rows, columns), rows.padded_extent * columns.padded_extent);
  }
}

TEST(PoolingRules, FirstMaximumWinsTies) {
  // 3 x 4 plane; the window rows [0, 3), columns [1, 4) holds 5 three times.
  const std::vector<float> plane = {9, 1, 5, 2,  //
                                    0, 5, 3, 5,  //
                                    8, 4, 5, -1};
  const WindowSpan rows{0, 3, 3}, columns{1, 4, 3};
  EXPECT_EQ(first_max_offset(plane.data(), 4, rows, columns), 2);  // row 0, column 2
  EXPECT_EQ(max_pool_value(plane.data(), 4, rows, columns), 5.0f);
  // All equal: the first position.
  const std::vector<float> flat(12, -2.0f);
  EXPECT_EQ(first_max_offset(flat.data(), 4, WindowSpan{1, 3, 2}, WindowSpan{2, 4, 2}), 6);
  // A window without input positions: -1 and the value 0.
  EXPECT_EQ(first_max_offset(plane.data(), 4, WindowSpan{2, 2, 1}, columns), -1);
  EXPECT_EQ(max_pool_value(plane.data(), 4, WindowSpan{2, 2, 1}, columns), 0.0f);
  // A greater later value replaces the first.
  EXPECT_EQ(first_max_offset(plane.data(), 4, WindowSpan{1, 3, 2}, WindowSpan{0, 2, 2}), 8);
}

// Plane values with ties (a coarse grid of values) so the tie rule matters.
std::vector<float> tied_plane(const PoolWindowShape& s) {
  std::vector<float> x(size_t(s.in_h) * s.in_w);
  for (size_t k = 0; k < x.size(); ++k) x[k] = float(int(k * 7 % 5)) - 1.5f;
  return x;
}

TEST(PoolingRules, ForwardValuesAgainstFloat64) {
  for (const PoolWindowShape& s : shapes()) {
    const std::vector<float> x = tied_plane(s);
    for (int oh = 0; oh < s.out_h; ++oh)
      for (int ow = 0; ow < s.out_w; ++ow) {
        const WindowSpan rows = pool_row_span(s, oh), columns = pool_column_span(s, ow);
        double max = -1e300, sum = 0.0;
        int count_padded = 0;
        for (int h = oh * s.stride_h - s.pad_h; h < oh * s.stride_h - s.pad_h + s.kernel_h; ++h)
          for (int w = ow * s.stride_w - s.pad_w; w < ow * s.stride_w - s.pad_w + s.kernel_w; ++w) {
            if (h < s.in_h + s.pad_h && w < s.in_w + s.pad_w) ++count_padded;
            if (h < 0 || w < 0 || h >= s.in_h || w >= s.in_w) continue;
            max = std::max(max, double(x[size_t(h) * s.in_w + w]));
            sum += x[size_t(h) * s.in_w + w];
          }
        EXPECT_EQ(double(max_pool_value(x.data(), s.in_w, rows, columns)), max) << describe(s);
        EXPECT_NEAR(avg_pool_value(x.data(), s.in_w, rows, columns), sum / count_padded, 1e-6)
            << describe(s) << " output " << oh << "," << ow;
      }
  }
}

TEST(PoolingRules, CoveringOutputsAreTheWindowsThatContainAnInput) {
  for (const PoolWindowShape& s : shapes()) {
    for (int in = 0; in < s.in_h; ++in) {
      int first = -1, last = -1;
      for (int o = 0; o < s.out_h; ++o) {
        const WindowSpan span = pool_row_span(s, o);
        if (in >= span.begin && in < span.end) {
          if (first < 0) first = o;
          EXPECT_TRUE(last < 0 || last == o) << "covering outputs are contiguous";
          last = o + 1;
        }
      }
      const OutputRange range = covering_outputs(in, s.kernel_h, s.stride_h, s.pad_h, s.out_h);
      if (first < 0) {
        EXPECT_GE(range.first, range.last) << describe(s) << " input " << in;
      } else {
        EXPECT_EQ(range.first, first) << describe(s) << " input " << in;
        EXPECT_EQ(range.last, last) << describe(s) << " input " << in;
      }
    }
  }
}

TEST(PoolingRules, BackwardGatherEqualsTheScatterOverOutputs) {
  for (const PoolWindowShape& s : shapes()) {
    const std::vector<float> x = tied_plane(s);
    const size_t outputs = size_t(s.out_h) * s.out_w, inputs = x.size();
    std::vector<float> dy(outputs);
    for (size_t o = 0; o < outputs; ++o) dy[o] = 0.25f * float(o + 1) - 1.0f;
    std::vector<int> argmax(outputs);
    // Naive float64 scatter: each output hands its gradient to its window's first maximum
    // (max) or spreads it over its window divided by the padded count (average).
    std::vector<double> max_want(inputs, 0.0), avg_want(inputs, 0.0);
    for (int oh = 0; oh < s.out_h; ++oh)
      for (int ow = 0; ow < s.out_w; ++ow) {
        const size_t o = size_t(oh) * s.out_w + ow;
        const WindowSpan rows = pool_row_span(s, oh), columns = pool_column_span(s, ow);
        argmax[o] = first_max_offset(x.data(), s.in_w, rows, columns);
        if (argmax[o] >= 0) max_want[size_t(argmax[o])] += dy[o];
        for (int h = rows.begin; h < rows.end; ++h)
          for (int w = columns.begin; w < columns.end; ++w)
            avg_want[size_t(h) * s.in_w + w] +=
                double(dy[o]) / (rows.padded_extent * columns.padded_extent);
      }
    for (size_t i = 0; i < inputs; ++i) {
      EXPECT_NEAR(max_pool_input_gradient(s, argmax.data(), dy.data(), int(i)), max_want[i], 1e-6)
          << describe(s) << " input " << i;
      EXPECT_NEAR(avg_pool_input_gradient(s, dy.data(), int(i)), avg_want[i], 1e-6)
          << describe(s) << " input " << i;
    }
  }
}

TEST(PoolingRules, WindowShapeComesFromTheGeometry) {
  PoolGeometry g;
  g.kernel_h = 3;
  g.kernel_w = 2;
  g.stride_h = 2;
  g.stride_w = 1;
  g.pad_h = 1;
  g.pad_w = 0;
  const Shape in{1, 4, 9, 7}, out = g.output_shape(in);
  const PoolWindowShape s = pool_window_shape(g, in, out);
  EXPECT_EQ(s.in_h, 9);
  EXPECT_EQ(s.in_w, 7);
  EXPECT_EQ(s.out_h, out.h);
  EXPECT_EQ(s.out_w, out.w);
  EXPECT_EQ(s.kernel_h, 3);
  EXPECT_EQ(s.kernel_w, 2);
  EXPECT_EQ(s.stride_h, 2);
  EXPECT_EQ(s.stride_w, 1);
  EXPECT_EQ(s.pad_h, 1);
  EXPECT_EQ(s.pad_w, 0);
}

}  // namespace
}  // namespace nsrg
