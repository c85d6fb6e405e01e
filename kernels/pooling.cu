// Pooling kernels (see pooling.cuh): one thread an output for the forward passes and the
// argmax, one thread an input for the backward passes, which gather over the outputs whose
// windows contain that input in a fixed order, so they need no atomics. The window, tie,
// divisor and gather rules are engine/core/pooling_rules.h's.
#include "engine/core/bf16_layout_rules.h"
#include "kernels/launch_config.cuh"
#include "kernels/pooling.cuh"

namespace nsrg::kernels {
namespace {

// Output i (counted over all planes) as the forward passes visit it: its plane's input and
// its window's rows and columns.
struct OutputWindow {
  size_t plane;
  WindowSpan rows, columns;
};

__device__ __forceinline__ OutputWindow output_window(const PoolShape& s, size_t i) {
  const size_t out_plane = size_t(s.out_h) * s.out_w;
  const int oh = int((i % out_plane) / s.out_w), ow = int(i % s.out_w);
  return {i / out_plane, pool_row_span(s, oh), pool_column_span(s, ow)};
}

__global__ void max_pool_forward_kernel(PoolShape s, const float* x, float* y) {
  const size_t in_plane = size_t(s.in_h) * s.in_w;
  const size_t count = size_t(s.planes) * s.out_h * s.out_w;
  for (size_t i = first_index(); i < count; i += grid_stride()) {
    const OutputWindow o = output_window(s, i);
    y[i] = max_pool_value(x + o.plane * in_plane, s.in_w, o.rows, o.columns);
  }
}

__global__ void avg_pool_forward_kernel(PoolShape s, const float* x, float* y) {
  const size_t in_plane = size_t(s.in_h) * s.in_w;
  const size_t count = size_t(s.planes) * s.out_h * s.out_w;
  for (size_t i = first_index(); i < count; i += grid_stride()) {
    const OutputWindow o = output_window(s, i);
    y[i] = avg_pool_value(x + o.plane * in_plane, s.in_w, o.rows, o.columns);
  }
}

__global__ void max_pool_argmax_kernel(PoolShape s, const float* x, int* argmax) {
  const size_t in_plane = size_t(s.in_h) * s.in_w;
  const size_t count = size_t(s.planes) * s.out_h * s.out_w;
  for (size_t i = first_index(); i < count; i += grid_stride()) {
    const OutputWindow o = output_window(s, i);
    argmax[i] = first_max_offset(x + o.plane * in_plane, s.in_w, o.rows, o.columns);
  }
}

// The argmax of outputs in NCHW order (plane = channel, batch 1) over a bf16 NHWC input.
__global__ void bf16_nhwc_max_pool_argmax_kernel(PoolShape s, const uint16_t* x, int* argmax) {
  const size_t out_plane = size_t(s.out_h) * s.out_w;
  const size_t count = size_t(s.planes) * out_plane;
  for (size_t i = first_index(); i < count; i += grid_stride()) {
    const int position = int(i % out_plane);
    argmax[i] = bf16_nhwc_first_max_offset(s, x, size_t(s.planes), i / out_plane,
                                           position / s.out_w, position % s.out_w);
  }
}

// Sums the gradients of the outputs that took this input as their window's maximum.
__global__ void max_pool_backward_kernel(PoolShape s, const int* argmax, const float* dy,
                                         float* dx) {
  const size_t out_plane = size_t(s.out_h) * s.out_w, in_plane = size_t(s.in_h) * s.in_w;
  const size_t count = size_t(s.planes) * in_plane;
  for (size_t i = first_index(); i < count; i += grid_stride()) {
    const size_t plane = i / in_plane;
    dx[i] = max_pool_input_gradient(s, argmax + plane * out_plane, dy + plane * out_plane,
                                    int(i % in_plane));
  }
}

// Sums each covering output's gradient divided by its window's average divisor.
__global__ void avg_pool_backward_kernel(PoolShape s, const float* dy, float* dx) {
  const size_t out_plane = size_t(s.out_h) * s.out_w, in_plane = size_t(s.in_h) * s.in_w;
  const size_t count = size_t(s.planes) * in_plane;
  for (size_t i = first_index(); i < count; i += grid_stride()) {
    const size_t plane = i / in_plane;
    dx[i] = avg_pool_input_gradient(s, dy + plane * out_plane, int(i % in_plane));
  }
}

size_t output_count(const PoolShape& s) {
  return size_t(s.planes) * s.out_h * s.out_w;
}
size_t input_count(const PoolShape& s) {
  return size_t(s.planes) * s.in_h * s.in_w;
}

// Max pooling's backward: `argmax_kernel` finds each output's first maximum in the input
// x (float32 NCHW or bf16 NHWC), then every input gathers the gradients routed to it.
template <typename Input>
void max_pool_backward(void (*argmax_kernel)(PoolShape, const Input*, int*), const PoolShape& shape,
                       const Input* x, const float* dy, int* argmax_scratch, float* dx,
                       cudaStream_t stream) {
  const size_t outputs = output_count(shape), inputs = input_count(shape);
  if (inputs == 0) return;
  if (outputs > 0)
    launch_checked(argmax_kernel, grid_for(outputs), kThreads, stream, shape, x, argmax_scratch);
  launch_checked(max_pool_backward_kernel, grid_for(inputs), kThreads, stream, shape,
                 argmax_scratch, dy, dx);
}

}  // namespace

void launch_max_pool_forward(const PoolShape& shape, const float* x, float* y,
                             cudaStream_t stream) {
  const size_t count = output_count(shape);
  launch_grid_stride(max_pool_forward_kernel, count, stream, shape, x, y);
}

void launch_avg_pool_forward(const PoolShape& shape, const float* x, float* y,
                             cudaStream_t stream) {
  const size_t count = output_count(shape);
  launch_grid_stride(avg_pool_forward_kernel, count, stream, shape, x, y);
}

void launch_max_pool_backward(const PoolShape& shape, const float* x, const float* dy,
                              int* argmax_scratch, float* dx, cudaStream_t stream) {
  max_pool_backward(max_pool_argmax_kernel, shape, x, dy, argmax_scratch, dx, stream);
}

void launch_bf16_nhwc_max_pool_backward(const PoolShape& shape, const uint16_t* x, const float* dy,
                                        int* argmax_scratch, float* dx, cudaStream_t stream) {
  max_pool_backward(bf16_nhwc_max_pool_argmax_kernel, shape, x, dy, argmax_scratch, dx, stream);
}

void launch_avg_pool_backward(const PoolShape& shape, const float* dy, float* dx,
                              cudaStream_t stream) {
  const size_t count = input_count(shape);
  launch_grid_stride(avg_pool_backward_kernel, count, stream, shape, dy, dx);
}

}  // namespace nsrg::kernels
