// Conversions between float32 NCHW and the bf16 NHWC activation layout, and ReLU and
// pooling on that layout (see cpu_bf16_layout.h).
#include "engine/cpu/cpu_bf16_layout.h"

#include <algorithm>

#include "engine/core/pooling_rules.h"
#include "engine/core/ring_values.h"
#include "engine/cpu/cpu_parallel.h"

namespace nsrg::cpu {

namespace {
// Pixels per tile of the transposing loops: a tile's rows of every channel stay in cache
// while they are transposed.
constexpr int kTilePixels = 64;

// body(nchw, nhwc) for every element of a batch-1 shape, given its index in each layout,
// a tile of pixels at a time (the tiles split among the threads).
template <typename Body>
void for_each_transposed(const Shape& shape, int threads, Body body) {
  const ptrdiff_t pixels = ptrdiff_t(shape.h) * shape.w;
  const ptrdiff_t channels = shape.c;
  const ptrdiff_t tiles = (pixels + kTilePixels - 1) / kTilePixels;
#pragma omp parallel for schedule(static) \
    num_threads(threads) if (pixels * channels > kParallelThreshold)
  for (ptrdiff_t tile = 0; tile < tiles; ++tile) {
    const ptrdiff_t begin = tile * kTilePixels;
    const ptrdiff_t end = std::min(pixels, begin + kTilePixels);
    for (ptrdiff_t c = 0; c < channels; ++c)
      for (ptrdiff_t p = begin; p < end; ++p) body(c * pixels + p, p * channels + c);
  }
}
}  // namespace

void nchw_to_bf16_nhwc(const Shape& shape, const float* src, uint16_t* dst, int threads) {
  for_each_transposed(shape, threads, [=](ptrdiff_t nchw, ptrdiff_t nhwc) {
    dst[nhwc] = float_to_bf16(src[nchw]);
  });
}

void bf16_nhwc_to_nchw(const Shape& shape, const uint16_t* src, float* dst, int threads) {
  for_each_transposed(shape, threads, [=](ptrdiff_t nchw, ptrdiff_t nhwc) {
    dst[nchw] = bf16_to_float(src[nhwc]);
  });
}

void f32_nhwc_to_nchw(const Shape& shape, const float* src, float* dst, int threads) {
  for_each_transposed(shape, threads,
                      [=](ptrdiff_t nchw, ptrdiff_t nhwc) { dst[nchw] = src[nhwc]; });
}

void f32_to_bf16(size_t count, const float* src, uint16_t* dst, int threads) {
#pragma omp parallel for schedule(static) \
    num_threads(threads) if (ptrdiff_t(count) > kParallelThreshold)
  for (ptrdiff_t i = 0; i < ptrdiff_t(count); ++i) dst[i] = float_to_bf16(src[i]);
}

void bf16_relu_backward(size_t count, const uint16_t* y, const float* dy, float* dx, int threads) {
#pragma omp parallel for schedule(static) \
    num_threads(threads) if (ptrdiff_t(count) > kParallelThreshold)
  for (ptrdiff_t i = 0; i < ptrdiff_t(count); ++i)
    dx[i] = bf16_to_float(y[i]) > 0.0f ? dy[i] : 0.0f;
}

void nhwc_relu_backward(const Shape& shape, const float* y, const float* dy, float* dx,
                        int threads) {
  for_each_transposed(shape, threads, [=](ptrdiff_t nchw, ptrdiff_t nhwc) {
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
  for_each_transposed(shape, threads, [=](ptrdiff_t nchw, ptrdiff_t nhwc) {
    dx[nchw] = bf16_to_float(y[nhwc]) > 0.0f ? dy[nchw] : 0.0f;
  });
}

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

}  // namespace nsrg::cpu
