// The element rules of the CUDA backend's bf16 activation layout, for host and device code
// alike: bfloat16 values in channels-last order (NHWC, batch 1; element (c, y, x) of a
// [1,C,H,W] map at (y * W + x) * C + c), the index maps between it and float32 NCHW, the
// bias add and the pooling window on it. Values are rounded by ring_values.h's
// float_to_bf16 (nearest even), the engine's one bf16 rounding rule; the pooling window
// follows pooling_rules.h (spans, first maximum, divisor) with the average summed in float
// in row-major window order and rounded once, as the CPU backend's bf16 pooling does.
// The CUDA kernels (kernels/bf16_layout.cu, pooling.cu) run these;
// tests/cpu/test_bf16_layout_rules.cpp runs them on the host against the CPU backend.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/core/host_device.h"
#include "engine/core/pooling_rules.h"
#include "engine/core/ring_values.h"

namespace nsrg {

// The NCHW index of the element at NHWC index `i` of a map of `channels` channels and
// `plane` (= H * W) positions.
NSRG_HOST_DEVICE size_t nchw_index_of_nhwc(size_t i, size_t channels, size_t plane) {
  return (i % channels) * plane + i / channels;
}

// The NHWC index of the element at NCHW index `i`.
NSRG_HOST_DEVICE size_t nhwc_index_of_nchw(size_t i, size_t channels, size_t plane) {
  return (i % plane) * channels + i / plane;
}

// The source index in float32 KCRS weights [K,C,R,S] of element `i` of the same weights
// in KRSC order (channels last), `taps` = R * S.
NSRG_HOST_DEVICE size_t kcrs_index_of_krsc(size_t i, size_t channels, size_t taps) {
  const size_t c = i % channels, tap = (i / channels) % taps, k = i / (channels * taps);
  return (k * channels + c) * taps + tap;
}

// y[i] (bf16, NHWC) = bf16(y[i] + bias[c]): the bias added in float and rounded once more.
NSRG_HOST_DEVICE void bf16_nhwc_bias_add_element(uint16_t* y, const float* bias, size_t channels,
                                                 size_t i) {
  y[i] = float_to_bf16(bf16_to_float(y[i]) + bias[i % channels]);
}

// ReLU on a bf16 value: a set sign bit (negative values, -0) gives +0, as on the CPU.
NSRG_HOST_DEVICE uint16_t bf16_relu_value(uint16_t value) {
  return (value & 0x8000u) != 0 ? uint16_t(0) : value;
}

// ReLU backward with the ReLU output y in bf16: dy where y > 0, else 0.
NSRG_HOST_DEVICE float bf16_relu_gradient(uint16_t y, float dy) {
  return bf16_to_float(y) > 0.0f ? dy : 0.0f;
}

// Output (channel c, row oh, column ow) of pooling a bf16 NHWC map (`channels` channels,
// input width s.in_w) into bf16: the first maximum of the window (0 for a window without
// input), or the float sum in row-major order over the divisor, rounded once.
NSRG_HOST_DEVICE uint16_t bf16_nhwc_pool_value(const PoolWindowShape& s, bool max,
                                               const uint16_t* src, size_t channels, size_t c,
                                               int oh, int ow) {
  const WindowSpan rows = pool_row_span(s, oh), columns = pool_column_span(s, ow);
  bool any = false;
  float value = 0.0f;
  for (int r = rows.begin; r < rows.end; ++r) {
    for (int col = columns.begin; col < columns.end; ++col) {
      const float v = bf16_to_float(src[(size_t(r) * size_t(s.in_w) + size_t(col)) * channels + c]);
      if (!max)
        value += v;
      else if (!any || v > value)
        value = v;
      any = true;
    }
  }
  return float_to_bf16(max ? value : value / float(average_divisor(rows, columns)));
}

// pooling_rules.h's first_max_offset on channel c of a bf16 NHWC map: the offset in the
// channel's plane (row * in_w + column) of the window's first maximum in row-major order,
// -1 for a window without input. Max pooling's backward gathers by it (the argmax), reading
// the bf16 forward input where it lies.
NSRG_HOST_DEVICE int bf16_nhwc_first_max_offset(const PoolWindowShape& s, const uint16_t* src,
                                                size_t channels, size_t c, int oh, int ow) {
  const WindowSpan rows = pool_row_span(s, oh), columns = pool_column_span(s, ow);
  int best = -1;
  float best_value = 0.0f;
  for (int r = rows.begin; r < rows.end; ++r) {
    for (int col = columns.begin; col < columns.end; ++col) {
      const int offset = r * s.in_w + col;
      const float value = bf16_to_float(src[size_t(offset) * channels + c]);
      if (best < 0 || value > best_value) {
        best = offset;
        best_value = value;
      }
    }
  }
  return best;
}

}  // namespace nsrg
