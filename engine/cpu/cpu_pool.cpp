// CPU max and average pooling, forward and backward, with Caffe/Torch semantics (see
// PoolGeometry): ceil mode, average divisor counting padding but not the ceil overhang, max
// ignoring positions outside the input and routing the gradient to the first maximum of
// its window (row-major order). The window, tie and divisor rules are
// engine/core/pooling_rules.h's, which the CUDA kernels run too. OpenMP over channels; the
// backward pass scatters each output's gradient (the kernels gather it per input, in the
// same output order). The common 2x2 stride-2 layer whose windows all lie inside the input
// has a fast path with the same results. A bf16 NHWC input (precision "bf16") is pooled in
// that layout (cpu_bf16_layout.h); so is the backward pass of disjoint windows when its
// gradient is float32 NHWC (from a bf16 backward-data convolution), else it reads float32
// (converted on first read).
#include <algorithm>

#include "engine/core/error.h"
#include "engine/core/pooling_rules.h"
#include "engine/cpu/cpu_backend_impl.h"
#include "engine/cpu/cpu_parallel.h"

namespace nsrg {

namespace {

void check_pool_shapes(const PoolGeometry& geometry, const Shape& input, const Shape& output) {
  NSRG_CHECK(geometry.output_shape(input) == output, "pool output ", output.str(), " for input ",
             input.str(), ", expected ", geometry.output_shape(input).str());
}

// True for 2x2 stride-2 unpadded pooling whose every window lies inside the input.
bool is_plain_2x2(const PoolGeometry& g, const PoolWindowShape& p) {
  return g.kernel_h == 2 && g.kernel_w == 2 && g.stride_h == 2 && g.stride_w == 2 && g.pad_h == 0 &&
         g.pad_w == 0 && 2 * p.out_h <= p.in_h && 2 * p.out_w <= p.in_w;
}

// Position (0..3, row-major) of the first maximum of a 2x2 window a b / c d: the tie rule of
// first_max_offset (engine/core/pooling_rules.h) unrolled for the fast path.
inline int first_max_of_4(float a, float b, float c, float d) {
  int best = 0;
  float value = a;
  if (b > value) best = 1, value = b;
  if (c > value) best = 2, value = c;
  if (d > value) best = 3;
  return best;
}

void plain_2x2_forward(PoolKind kind, const PoolWindowShape& p, const float* src, float* dst) {
  for (int oh = 0; oh < p.out_h; ++oh) {
    const float* top = src + size_t(2 * oh) * p.in_w;
    const float* bottom = top + p.in_w;
    float* out = dst + size_t(oh) * p.out_w;
    if (kind == PoolKind::Max) {
      for (int ow = 0; ow < p.out_w; ++ow)
        out[ow] = std::max(std::max(top[2 * ow], top[2 * ow + 1]),
                           std::max(bottom[2 * ow], bottom[2 * ow + 1]));
    } else {
      for (int ow = 0; ow < p.out_w; ++ow)
        out[ow] = (top[2 * ow] + top[2 * ow + 1] + bottom[2 * ow] + bottom[2 * ow + 1]) / 4.0f;
    }
  }
}

void plain_2x2_backward(PoolKind kind, const PoolWindowShape& p, const float* src,
                        const float* dout, float* din) {
  for (int oh = 0; oh < p.out_h; ++oh) {
    const float* top = src + size_t(2 * oh) * p.in_w;
    const float* bottom = top + p.in_w;
    float* din_top = din + size_t(2 * oh) * p.in_w;
    float* din_bottom = din_top + p.in_w;
    const float* gradient = dout + size_t(oh) * p.out_w;
    for (int ow = 0; ow < p.out_w; ++ow) {
      const int c = 2 * ow;
      const float g = gradient[ow];
      if (kind == PoolKind::Max) {
        const int best = first_max_of_4(top[c], top[c + 1], bottom[c], bottom[c + 1]);
        din_top[c] = best == 0 ? g : 0.0f;
        din_top[c + 1] = best == 1 ? g : 0.0f;
        din_bottom[c] = best == 2 ? g : 0.0f;
        din_bottom[c + 1] = best == 3 ? g : 0.0f;
      } else {
        const float share = g / 4.0f;
        din_top[c] = din_top[c + 1] = din_bottom[c] = din_bottom[c + 1] = share;
      }
    }
    // An odd last column belongs to no window (floor mode).
    for (int c = 2 * p.out_w; c < p.in_w; ++c) din_top[c] = din_bottom[c] = 0.0f;
  }
  // Likewise an odd last row.
  std::fill(din + size_t(2 * p.out_h) * p.in_w, din + size_t(p.in_h) * p.in_w, 0.0f);
}

void general_forward(PoolKind kind, const PoolWindowShape& p, const float* src, float* dst) {
  for (int oh = 0; oh < p.out_h; ++oh) {
    const WindowSpan rows = pool_row_span(p, oh);
    for (int ow = 0; ow < p.out_w; ++ow) {
      const WindowSpan cols = pool_column_span(p, ow);
      dst[oh * p.out_w + ow] = kind == PoolKind::Max ? max_pool_value(src, p.in_w, rows, cols)
                                                     : avg_pool_value(src, p.in_w, rows, cols);
    }
  }
}

void general_backward(PoolKind kind, const PoolWindowShape& p, const float* src, const float* dout,
                      float* din) {
  std::fill(din, din + size_t(p.in_h) * p.in_w, 0.0f);
  for (int oh = 0; oh < p.out_h; ++oh) {
    const WindowSpan rows = pool_row_span(p, oh);
    for (int ow = 0; ow < p.out_w; ++ow) {
      const WindowSpan cols = pool_column_span(p, ow);
      const float gradient = dout[oh * p.out_w + ow];
      if (kind == PoolKind::Max) {
        const int best = first_max_offset(src, p.in_w, rows, cols);
        if (best >= 0) din[best] += gradient;
      } else {
        const float share = gradient / float(average_divisor(rows, cols));
        for (int r = rows.begin; r < rows.end; ++r)
          for (int c = cols.begin; c < cols.end; ++c) din[r * p.in_w + c] += share;
      }
    }
  }
}
}  // namespace

void CpuBackend::pool_forward(const PoolGeometry& g, const Tensor& x, Tensor& y) {
  check_pool_shapes(g, x.shape(), y.shape());
  const PoolWindowShape p = pool_window_shape(g, x.shape(), y.shape());
  if (holds_bf16(x)) {
    const Shape output = y.shape();
    cpu::bf16_nhwc_pool(g, x.shape(), output, reinterpret_cast<const uint16_t*>(x.data()),
                        reinterpret_cast<uint16_t*>(y.data()), threads_);
    layouts_.mark(y.data(), output, cpu::PrivateLayout::Bf16Nhwc);
    return;
  }
  const bool plain = is_plain_2x2(g, p);
  const int planes = x.shape().n * x.shape().c;
  const float* in = x.data();
  float* out = float_output(y);
#pragma omp parallel for schedule(static) \
    num_threads(threads_) if (x.numel() > size_t(cpu::kParallelThreshold))
  for (int plane = 0; plane < planes; ++plane) {
    const float* src = in + size_t(plane) * p.in_h * p.in_w;
    float* dst = out + size_t(plane) * p.out_h * p.out_w;
    if (plain)
      plain_2x2_forward(g.kind, p, src, dst);
    else
      general_forward(g.kind, p, src, dst);
  }
}

void CpuBackend::pool_backward(const PoolGeometry& g, const Tensor& x, const Tensor& y,
                               const Tensor& dy, Tensor& dx) {
  check_pool_shapes(g, x.shape(), y.shape());
  NSRG_CHECK(dy.shape() == y.shape() && dx.shape() == x.shape(), "pool_backward dy ",
             dy.shape().str(), " dx ", dx.shape().str());
  if (holds_bf16(x) && holds_nhwc(dy) && cpu::pool_windows_are_disjoint(g)) {
    // The layouts of precision "bf16" between a bf16 backward-data convolution and the
    // ReLU below: gathered per window, the gradient stays float32 NHWC.
    cpu::bf16_nhwc_pool_backward(g, x.shape(), y.shape(),
                                 reinterpret_cast<const uint16_t*>(x.data()), dy.data(), dx.data(),
                                 threads_);
    layouts_.mark(dx.data(), dx.shape(), cpu::PrivateLayout::F32Nhwc);
    return;
  }
  const PoolWindowShape p = pool_window_shape(g, x.shape(), y.shape());
  const bool plain = is_plain_2x2(g, p);
  const int planes = x.shape().n * x.shape().c;
  const float* in = float_values(x);
  const float* grad_out = float_values(dy);
  float* grad_in = float_output(dx);
#pragma omp parallel for schedule(static) \
    num_threads(threads_) if (x.numel() > size_t(cpu::kParallelThreshold))
  for (int plane = 0; plane < planes; ++plane) {
    const float* src = in + size_t(plane) * p.in_h * p.in_w;
    const float* dout = grad_out + size_t(plane) * p.out_h * p.out_w;
    float* din = grad_in + size_t(plane) * p.in_h * p.in_w;
    if (plain)
      plain_2x2_backward(g.kind, p, src, dout, din);
    else
      general_backward(g.kind, p, src, dout, din);
  }
}

}  // namespace nsrg
