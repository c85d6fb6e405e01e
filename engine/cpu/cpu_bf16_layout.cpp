// Conversions between float32 NCHW and the bf16 NHWC activation layout, and ReLU and
// pooling on that layout (see cpu_bf16_layout.h).
#include "engine/cpu/cpu_bf16_layout.h"

#include <algorithm>
#include <vector>

#include "engine/core/pooling_rules.h"
#include "engine/core/ring_values.h"
#include "engine/cpu/cpu_parallel.h"

namespace nsrg::cpu {

namespace {
// Pixels per tile of the transposing loops: a tile's rows of every channel stay in cache
// while they are transposed. Writing NHWC, each pixel's block of channels is written as one
// contiguous run (a cache line of float32); writing NCHW, each channel's run of the tile's
// pixels.
constexpr int kTilePixels = 64;
constexpr int kChannelBlock = 16;

enum class Writes { Nhwc, Nchw };

// body(nchw, nhwc) for every element of a batch-1 shape, given its index in each layout,
// a tile of pixels at a time (the tiles split among the threads), in the order that writes
// `writes` contiguously.
template <Writes writes, typename Body>
void for_each_transposed(const Shape& shape, int threads, Body body) {
  const ptrdiff_t pixels = ptrdiff_t(shape.h) * shape.w;
  const ptrdiff_t channels = shape.c;
  const ptrdiff_t tiles = (pixels + kTilePixels - 1) / kTilePixels;
#pragma omp parallel for schedule(static) \
    num_threads(threads) if (pixels * channels > kParallelThreshold)
  for (ptrdiff_t tile = 0; tile < tiles; ++tile) {
    const ptrdiff_t begin = tile * kTilePixels;
    const ptrdiff_t end = std::min(pixels, begin + kTilePixels);
    if (writes == Writes::Nchw) {
      for (ptrdiff_t c = 0; c < channels; ++c)
        for (ptrdiff_t p = begin; p < end; ++p) body(c * pixels + p, p * channels + c);
      continue;
    }
    for (ptrdiff_t block = 0; block < channels; block += kChannelBlock) {
      const ptrdiff_t block_end = std::min(channels, block + kChannelBlock);
      for (ptrdiff_t p = begin; p < end; ++p)
        for (ptrdiff_t c = block; c < block_end; ++c) body(c * pixels + p, p * channels + c);
    }
  }
}
}  // namespace

void nchw_to_bf16_nhwc(const Shape& shape, const float* src, uint16_t* dst, int threads) {
  for_each_transposed<Writes::Nhwc>(shape, threads, [=](ptrdiff_t nchw, ptrdiff_t nhwc) {
    dst[nhwc] = float_to_bf16(src[nchw]);
  });
}

void bf16_nhwc_to_nchw(const Shape& shape, const uint16_t* src, float* dst, int threads) {
  for_each_transposed<Writes::Nchw>(shape, threads, [=](ptrdiff_t nchw, ptrdiff_t nhwc) {
    dst[nchw] = bf16_to_float(src[nhwc]);
  });
}

void f32_nhwc_to_nchw(const Shape& shape, const float* src, float* dst, int threads) {
  for_each_transposed<Writes::Nchw>(shape, threads,
                                    [=](ptrdiff_t nchw, ptrdiff_t nhwc) { dst[nchw] = src[nhwc]; });
}

void nchw_to_f32_nhwc(const Shape& shape, const float* src, float* dst, int threads) {
  for_each_transposed<Writes::Nhwc>(shape, threads,
                                    [=](ptrdiff_t nchw, ptrdiff_t nhwc) { dst[nhwc] = src[nchw]; });
}

void bf16_to_f32(size_t count, const uint16_t* src, float* dst, int threads) {
#pragma omp parallel for schedule(static) \
    num_threads(threads) if (ptrdiff_t(count) > kParallelThreshold)
  for (ptrdiff_t i = 0; i < ptrdiff_t(count); ++i) dst[i] = bf16_to_float(src[i]);
}

void f32_to_bf16(size_t count, const float* src, uint16_t* dst, int threads) {
#pragma omp parallel for schedule(static) \
    num_threads(threads) if (ptrdiff_t(count) > kParallelThreshold)
  for (ptrdiff_t i = 0; i < ptrdiff_t(count); ++i) dst[i] = float_to_bf16(src[i]);
}

void bf16_relu_backward(size_t count, const uint16_t* y, const float* dy, float* dx, int threads) {
  // The rule of relu_backward_element (dy where y > 0, else +0) as a bit mask, which the
  // compiler vectorizes even when dx is dy: y > 0 is the sign bit clear, y not +0 and not NaN.
#pragma omp parallel for schedule(static) \
    num_threads(threads) if (ptrdiff_t(count) > kParallelThreshold)
  for (ptrdiff_t i = 0; i < ptrdiff_t(count); ++i) {
    const int32_t value = int32_t(uint32_t(y[i]) << 16);
    const uint32_t keep = value > 0 && value <= 0x7f800000 ? ~0u : 0u;
    dx[i] = bits_float(float_bits(dy[i]) & keep);
  }
}

void nhwc_relu_backward(const Shape& shape, const float* y, const float* dy, float* dx,
                        int threads) {
  for_each_transposed<Writes::Nhwc>(shape, threads, [=](ptrdiff_t nchw, ptrdiff_t nhwc) {
    dx[nhwc] = y[nchw] > 0.0f ? dy[nhwc] : 0.0f;
  });
}

void bf16_relu(size_t count, const uint16_t* src, uint16_t* dst, int threads) {
#pragma omp parallel for schedule(static) \
    num_threads(threads) if (ptrdiff_t(count) > kParallelThreshold)
  for (ptrdiff_t i = 0; i < ptrdiff_t(count); ++i)
    dst[i] = (src[i] & 0x8000u) != 0 ? uint16_t(0) : src[i];
}

void bf16_nhwc_relu_backward(const Shape& shape, const uint16_t* y, const float* dy, float* dx,
                             int threads) {
  for_each_transposed<Writes::Nchw>(shape, threads, [=](ptrdiff_t nchw, ptrdiff_t nhwc) {
    dx[nchw] = bf16_to_float(y[nhwc]) > 0.0f ? dy[nchw] : 0.0f;
  });
}

namespace {
// One full 2x2 max-pooling window, per channel: the first maximum of a b / c d in row-major
// order (as the general loop below: a later value replaces it only when greater), written
// with selects so that the compiler vectorizes it over the channels.
void max_2x2_window(ptrdiff_t channels, const uint16_t* __restrict a, const uint16_t* __restrict b,
                    const uint16_t* __restrict c, const uint16_t* __restrict d,
                    uint16_t* __restrict out) {
  for (ptrdiff_t k = 0; k < channels; ++k) {
    const float vb = bf16_to_float(b[k]), vc = bf16_to_float(c[k]), vd = bf16_to_float(d[k]);
    float value = bf16_to_float(a[k]);
    value = vb > value ? vb : value;
    value = vc > value ? vc : value;
    value = vd > value ? vd : value;
    out[k] = float_to_bf16(value);
  }
}
}  // namespace

void bf16_nhwc_pool(const PoolGeometry& geometry, const Shape& input, const Shape& output,
                    const uint16_t* src, uint16_t* dst, int threads) {
  const PoolWindowShape s = pool_window_shape(geometry, input, output);
  const ptrdiff_t channels = input.c;
  const bool max = geometry.kind == PoolKind::Max;
#pragma omp parallel for schedule(static) \
    num_threads(threads) if (ptrdiff_t(input.numel()) > kParallelThreshold)
  for (int oh = 0; oh < s.out_h; ++oh) {
    const WindowSpan rows = pool_row_span(s, oh);
    for (int ow = 0; ow < s.out_w; ++ow) {
      const WindowSpan columns = pool_column_span(s, ow);
      uint16_t* out = dst + (ptrdiff_t(oh) * s.out_w + ow) * channels;
      if (max && rows.end - rows.begin == 2 && columns.end - columns.begin == 2) {
        const uint16_t* top = src + (ptrdiff_t(rows.begin) * s.in_w + columns.begin) * channels;
        const uint16_t* bottom = top + ptrdiff_t(s.in_w) * channels;
        max_2x2_window(channels, top, top + channels, bottom, bottom + channels, out);
        continue;
      }
      const float divisor = float(average_divisor(rows, columns));
      for (ptrdiff_t c = 0; c < channels; ++c) {
        bool any = false;
        float value = 0.0f;
        for (int r = rows.begin; r < rows.end; ++r) {
          for (int col = columns.begin; col < columns.end; ++col) {
            const float v = bf16_to_float(src[(ptrdiff_t(r) * s.in_w + col) * channels + c]);
            if (!max)
              value += v;
            else if (!any || v > value)
              value = v;
            any = true;
          }
        }
        out[c] = float_to_bf16(max ? value : value / divisor);
      }
    }
  }
}

namespace {
// One full 2x2 max-pooling window backward, per channel: the gradient to the first maximum
// of a b / c d (first_max_offset's rule), 0 to the others; written with selects so that the
// compiler vectorizes it over the channels.
void max_2x2_window_backward(ptrdiff_t channels, const uint16_t* __restrict a,
                             const uint16_t* __restrict b, const uint16_t* __restrict c,
                             const uint16_t* __restrict d, const float* __restrict gradient,
                             float* __restrict da, float* __restrict db, float* __restrict dc,
                             float* __restrict dd) {
  for (ptrdiff_t k = 0; k < channels; ++k) {
    const float va = bf16_to_float(a[k]), vb = bf16_to_float(b[k]);
    const float vc = bf16_to_float(c[k]), vd = bf16_to_float(d[k]);
    const bool take_b = vb > va;
    const float ab = take_b ? vb : va;
    const bool take_c = vc > ab;
    const float abc = take_c ? vc : ab;
    const bool take_d = vd > abc;
    const float g = gradient[k];
    dd[k] = take_d ? g : 0.0f;
    dc[k] = take_c && !take_d ? g : 0.0f;
    db[k] = take_b && !take_c && !take_d ? g : 0.0f;
    da[k] = !take_b && !take_c && !take_d ? g : 0.0f;
  }
}
}  // namespace

bool pool_windows_are_disjoint(const PoolGeometry& g) {
  return g.kernel_h == g.stride_h && g.kernel_w == g.stride_w && g.pad_h == 0 && g.pad_w == 0;
}

void bf16_nhwc_pool_backward(const PoolGeometry& geometry, const Shape& input, const Shape& output,
                             const uint16_t* x, const float* dy, float* dx, int threads) {
  const PoolWindowShape s = pool_window_shape(geometry, input, output);
  const ptrdiff_t channels = input.c;
  const ptrdiff_t row_floats = ptrdiff_t(s.in_w) * channels;
  const bool max = geometry.kind == PoolKind::Max;
  // The windows of a row of outputs cover columns [0, covered_columns) of their input rows,
  // and the rows of all windows rows [0, covered_rows).
  const int covered_columns = s.out_w > 0 ? pool_column_span(s, s.out_w - 1).end : 0;
  const int covered_rows = s.out_h > 0 ? pool_row_span(s, s.out_h - 1).end : 0;
#pragma omp parallel num_threads(threads) if (ptrdiff_t(input.numel()) > kParallelThreshold)
  {
    std::vector<float> best(static_cast<size_t>(channels));
    std::vector<int> best_at(static_cast<size_t>(channels));
#pragma omp for schedule(static)
    for (int oh = 0; oh < s.out_h; ++oh) {
      const WindowSpan rows = pool_row_span(s, oh);
      for (int ow = 0; ow < s.out_w; ++ow) {
        const WindowSpan columns = pool_column_span(s, ow);
        const float* gradient = dy + (ptrdiff_t(oh) * s.out_w + ow) * channels;
        if (max && rows.end - rows.begin == 2 && columns.end - columns.begin == 2) {
          const ptrdiff_t top = ptrdiff_t(rows.begin) * s.in_w + columns.begin;
          const ptrdiff_t bottom = top + s.in_w;
          max_2x2_window_backward(channels, x + top * channels, x + (top + 1) * channels,
                                  x + bottom * channels, x + (bottom + 1) * channels, gradient,
                                  dx + top * channels, dx + (top + 1) * channels,
                                  dx + bottom * channels, dx + (bottom + 1) * channels);
        } else if (max) {
          // The first maximum per channel, positions in row-major order.
          int position = 0;
          for (int r = rows.begin; r < rows.end; ++r)
            for (int col = columns.begin; col < columns.end; ++col, ++position) {
              const uint16_t* v = x + (ptrdiff_t(r) * s.in_w + col) * channels;
              for (ptrdiff_t c = 0; c < channels; ++c) {
                const float value = bf16_to_float(v[c]);
                if (position == 0 || value > best[c]) {
                  best[c] = value;
                  best_at[c] = position;
                }
              }
            }
          position = 0;
          for (int r = rows.begin; r < rows.end; ++r)
            for (int col = columns.begin; col < columns.end; ++col, ++position) {
              float* out = dx + (ptrdiff_t(r) * s.in_w + col) * channels;
              for (ptrdiff_t c = 0; c < channels; ++c)
                out[c] = best_at[c] == position ? gradient[c] : 0.0f;
            }
        } else {
          const float divisor = float(average_divisor(rows, columns));
          for (int r = rows.begin; r < rows.end; ++r)
            for (int col = columns.begin; col < columns.end; ++col) {
              float* out = dx + (ptrdiff_t(r) * s.in_w + col) * channels;
              for (ptrdiff_t c = 0; c < channels; ++c) out[c] = gradient[c] / divisor;
            }
        }
      }
      for (int r = rows.begin; r < rows.end; ++r)
        std::fill(dx + r * row_floats + ptrdiff_t(covered_columns) * channels,
                  dx + (r + 1) * row_floats, 0.0f);
    }
  }
  std::fill(dx + covered_rows * row_floats, dx + s.in_h * row_floats, 0.0f);
}

}  // namespace nsrg::cpu
