// im2col + SGEMM convolutions for layers with few input channels (see cpu_conv_gemm.h).
//
// The column matrix has one row per (channel, kernel row, kernel column) and one column per
// output pixel: forward is Y [K x OHW] = [W | bias] [K x CKK+1] [cols ; ones] (the bias
// rides along as one more column of W and a row of ones); backward-data is
// cols = W^T dY (dY [K x OHW] in NCHW, or the NHWC [OHW x K] transposed), then each input
// pixel gathers the column entries that read it.
#include "engine/cpu/cpu_conv_gemm.h"

#include <cstddef>

#include "engine/cpu/cpu_gemm.h"
#include "engine/cpu/cpu_parallel.h"

namespace nsrg::cpu {

namespace {
struct ConvDims {
  int channels, height, width, kernel_h, kernel_w, out_h, out_w;
  size_t rows() const { return size_t(channels) * kernel_h * kernel_w; }
  size_t pixels() const { return size_t(out_h) * out_w; }
};

ConvDims dims_of(const ConvGeometry& g, const Shape& input) {
  const Shape output = g.output_shape(input);
  return {input.c, input.h, input.w, g.kernel_h, g.kernel_w, output.h, output.w};
}

void im2col(const ConvGeometry& g, const ConvDims& d, const float* x, float* columns, int threads) {
  const int rows = int(d.rows());
#pragma omp parallel for schedule(static) num_threads(threads) \
    collapse(2) if (d.rows() * d.pixels() > size_t(kParallelThreshold))
  for (int row = 0; row < rows; ++row)
    for (int oh = 0; oh < d.out_h; ++oh) {
      const int c = row / (d.kernel_h * d.kernel_w);
      const int i = (row / d.kernel_w) % d.kernel_h;
      const int j = row % d.kernel_w;
      float* out = columns + size_t(row) * d.pixels() + size_t(oh) * d.out_w;
      const int h = oh * g.stride_h - g.pad_h + i;
      if (h < 0 || h >= d.height) {
        for (int ow = 0; ow < d.out_w; ++ow) out[ow] = 0.0f;
        continue;
      }
      const float* in = x + (size_t(c) * d.height + h) * d.width;
      for (int ow = 0; ow < d.out_w; ++ow) {
        const int w = ow * g.stride_w - g.pad_w + j;
        out[ow] = (w >= 0 && w < d.width) ? in[w] : 0.0f;
      }
    }
}

// dx[c][h][w] = sum of columns[(c,i,j)][(oh,ow)] over the kernel taps with
// h = oh*stride - pad + i and w = ow*stride - pad + j.
void col2im(const ConvGeometry& g, const ConvDims& d, const float* columns, float* dx,
            int threads) {
  const int rows = d.channels * d.height;
#pragma omp parallel for schedule(static) \
    num_threads(threads) if (d.rows() * d.pixels() > size_t(kParallelThreshold))
  for (int row = 0; row < rows; ++row) {
    const int c = row / d.height, h = row % d.height;
    float* out = dx + size_t(row) * d.width;
    for (int w = 0; w < d.width; ++w) out[w] = 0.0f;
    for (int i = 0; i < d.kernel_h; ++i) {
      const int shifted_h = h + g.pad_h - i;
      if (shifted_h < 0 || shifted_h % g.stride_h != 0) continue;
      const int oh = shifted_h / g.stride_h;
      if (oh >= d.out_h) continue;
      for (int j = 0; j < d.kernel_w; ++j) {
        const float* in =
            columns +
            (size_t(c) * d.kernel_h * d.kernel_w + size_t(i) * d.kernel_w + j) * d.pixels() +
            size_t(oh) * d.out_w;
        for (int ow = 0; ow < d.out_w; ++ow) {
          const int w = ow * g.stride_w - g.pad_w + j;
          if (w >= 0 && w < d.width) out[w] += in[ow];
        }
      }
    }
  }
}
}  // namespace

bool use_gemm_conv(const ConvGeometry& geometry) {
  return geometry.in_channels < 8;
}

size_t gemm_conv_column_floats(const ConvGeometry& geometry, const Shape& input) {
  const ConvDims d = dims_of(geometry, input);
  return (d.rows() + 1) * d.pixels();
}

void gemm_conv_forward(const ConvGeometry& g, const Shape& input, const float* x,
                       const float* weight, const float* bias, float* y,
                       std::vector<float>& columns, int threads) {
  const ConvDims d = dims_of(g, input);
  const size_t rows = d.rows() + 1;  // plus the row of ones for the bias
  const size_t needed = gemm_conv_column_floats(g, input);
  if (columns.size() < needed) columns.resize(needed);
  im2col(g, d, x, columns.data(), threads);
  float* ones = columns.data() + d.rows() * d.pixels();
  for (size_t p = 0; p < d.pixels(); ++p) ones[p] = 1.0f;
  std::vector<float> weight_and_bias(size_t(g.out_channels) * rows);
  for (int k = 0; k < g.out_channels; ++k) {
    for (size_t r = 0; r < d.rows(); ++r) weight_and_bias[k * rows + r] = weight[k * d.rows() + r];
    weight_and_bias[k * rows + d.rows()] = bias[k];
  }
  fixed_order_sgemm(threads, false, false, g.out_channels, long(d.pixels()), long(rows), 1.0f,
                    weight_and_bias.data(), long(rows), columns.data(), long(d.pixels()), y,
                    long(d.pixels()));
}

void gemm_conv_backward_data(const ConvGeometry& g, const Shape& input, const float* dy,
                             bool dy_channels_last, const float* weight, float* dx,
                             std::vector<float>& columns, int threads) {
  const ConvDims d = dims_of(g, input);
  const size_t needed = gemm_conv_column_floats(g, input);  // the forward pass's, so one size
  if (columns.size() < needed) columns.resize(needed);
  const long pixels = long(d.pixels());
  fixed_order_sgemm(threads, true, dy_channels_last, long(d.rows()), pixels, g.out_channels, 1.0f,
                    weight, long(d.rows()), dy, dy_channels_last ? long(g.out_channels) : pixels,
                    columns.data(), pixels);
  col2im(g, d, columns.data(), dx, threads);
}

}  // namespace nsrg::cpu
