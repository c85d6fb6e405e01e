// The index rules of max and average pooling (Caffe semantics, see PoolGeometry in
// engine/core/geometry.h), written once for the CPU backend and the CUDA kernels: the input
// rows and columns a window covers, the average divisor (the window clipped to the padded
// input: padding counts, the ceil overhang does not), the first maximum of a window in
// row-major order (the max-pool tie rule), the outputs of a window, and, for the backward
// passes, the outputs whose windows cover an input position together with the gradient an
// input gathers from them (the CUDA kernels' access pattern; the CPU backend scatters each
// output's gradient instead, in the same output order, which gives the same sums).
#pragma once

#include "engine/core/geometry.h"
#include "engine/core/host_device.h"

namespace nsrg {

// One plane's pooling: input and output sizes and the window geometry.
struct PoolWindowShape {
  int in_h = 0, in_w = 0, out_h = 0, out_w = 0;
  int kernel_h = 0, kernel_w = 0, stride_h = 0, stride_w = 0, pad_h = 0, pad_w = 0;
};

// The plane geometry of pooling `input` into `output` (host code).
inline PoolWindowShape pool_window_shape(const PoolGeometry& geometry, const Shape& input,
                                         const Shape& output) {
  PoolWindowShape s;
  s.in_h = input.h;
  s.in_w = input.w;
  s.out_h = output.h;
  s.out_w = output.w;
  s.kernel_h = geometry.kernel_h;
  s.kernel_w = geometry.kernel_w;
  s.stride_h = geometry.stride_h;
  s.stride_w = geometry.stride_w;
  s.pad_h = geometry.pad_h;
  s.pad_w = geometry.pad_w;
  return s;
}

// The input rows (or columns) [begin, end) a window covers, and its extent in the padded
// input (the average divisor's factor in this direction).
struct WindowSpan {
  int begin, end, padded_extent;
};

// The span of output `out_index` along one direction.
NSRG_HOST_DEVICE WindowSpan pool_window_span(int out_index, int kernel, int stride, int pad,
                                             int in) {
  const int start = out_index * stride - pad;
  const int padded_end = start + kernel < in + pad ? start + kernel : in + pad;
  return {start > 0 ? start : 0, start + kernel < in ? start + kernel : in, padded_end - start};
}

NSRG_HOST_DEVICE WindowSpan pool_row_span(const PoolWindowShape& s, int out_row) {
  return pool_window_span(out_row, s.kernel_h, s.stride_h, s.pad_h, s.in_h);
}

NSRG_HOST_DEVICE WindowSpan pool_column_span(const PoolWindowShape& s, int out_column) {
  return pool_window_span(out_column, s.kernel_w, s.stride_w, s.pad_w, s.in_w);
}

// Average pooling's divisor of the window with these spans.
NSRG_HOST_DEVICE int average_divisor(const WindowSpan& rows, const WindowSpan& columns) {
  return rows.padded_extent * columns.padded_extent;
}

// Offset in the plane (row * width + column) of the first maximal element of the window in
// row-major order (a later value replaces it only when greater, so ties keep the first), or
// -1 when the window holds no input position.
NSRG_HOST_DEVICE int first_max_offset(const float* plane, int width, const WindowSpan& rows,
                                      const WindowSpan& columns) {
  int best = -1;
  float best_value = 0.0f;
  for (int r = rows.begin; r < rows.end; ++r) {
    for (int c = columns.begin; c < columns.end; ++c) {
      const float value = plane[r * width + c];
      if (best < 0 || value > best_value) {
        best = r * width + c;
        best_value = value;
      }
    }
  }
  return best;
}

// Max pooling's output for a window: its first maximum, 0 for a window without input.
NSRG_HOST_DEVICE float max_pool_value(const float* plane, int width, const WindowSpan& rows,
                                      const WindowSpan& columns) {
  const int best = first_max_offset(plane, width, rows, columns);
  return best >= 0 ? plane[best] : 0.0f;
}

// Average pooling's output for a window: the sum of its input values (row-major order, in
// float) over its divisor.
NSRG_HOST_DEVICE float avg_pool_value(const float* plane, int width, const WindowSpan& rows,
                                      const WindowSpan& columns) {
  float sum = 0.0f;
  for (int r = rows.begin; r < rows.end; ++r) {
    for (int c = columns.begin; c < columns.end; ++c) sum += plane[r * width + c];
  }
  return sum / float(average_divisor(rows, columns));
}

// ---- the backward gather (CUDA kernels; tested against the CPU's scatter) ----------------

// The outputs [first, last) along one direction whose windows contain input index `in`.
struct OutputRange {
  int first, last;
};

NSRG_HOST_DEVICE OutputRange covering_outputs(int in, int kernel, int stride, int pad,
                                              int out_size) {
  const int padded = in + pad;
  const int first = padded < kernel ? 0 : (padded - kernel) / stride + 1;
  const int after_last = padded / stride + 1;
  return {first, after_last < out_size ? after_last : out_size};
}

// The gradient of input position `offset` of a plane under max pooling: the sum, in
// row-major output order, of the gradients of the outputs whose window's first maximum
// (argmax, per output) it is.
NSRG_HOST_DEVICE float max_pool_input_gradient(const PoolWindowShape& s, const int* argmax,
                                               const float* dy, int offset) {
  const int h = offset / s.in_w, w = offset % s.in_w;
  const OutputRange rows = covering_outputs(h, s.kernel_h, s.stride_h, s.pad_h, s.out_h);
  const OutputRange columns = covering_outputs(w, s.kernel_w, s.stride_w, s.pad_w, s.out_w);
  float sum = 0.0f;
  for (int oh = rows.first; oh < rows.last; ++oh) {
    for (int ow = columns.first; ow < columns.last; ++ow) {
      const int o = oh * s.out_w + ow;
      if (argmax[o] == offset) sum += dy[o];
    }
  }
  return sum;
}

// The gradient of input position `offset` of a plane under average pooling: the sum, in
// row-major output order, of each covering output's gradient over its divisor.
NSRG_HOST_DEVICE float avg_pool_input_gradient(const PoolWindowShape& s, const float* dy,
                                               int offset) {
  const int h = offset / s.in_w, w = offset % s.in_w;
  const OutputRange rows = covering_outputs(h, s.kernel_h, s.stride_h, s.pad_h, s.out_h);
  const OutputRange columns = covering_outputs(w, s.kernel_w, s.stride_w, s.pad_w, s.out_w);
  float sum = 0.0f;
  for (int oh = rows.first; oh < rows.last; ++oh) {
    const WindowSpan row_span = pool_row_span(s, oh);
    for (int ow = columns.first; ow < columns.last; ++ow) {
      sum += dy[oh * s.out_w + ow] / float(average_divisor(row_span, pool_column_span(s, ow)));
    }
  }
  return sum;
}

}  // namespace nsrg
