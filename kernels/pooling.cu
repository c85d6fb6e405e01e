// Pooling kernels (see pooling.cuh). Backward passes gather per input element over the
// outputs whose windows contain it, in a fixed order, so they need no atomics.
#include "kernels/launch_config.cuh"
#include "kernels/pooling.cuh"

namespace nsrg::kernels {
namespace {

// A rectangle of rows [h0, h1) and columns [w0, w1): the window of an output clipped to the
// input, or the outputs covering an input.
struct Window {
  int h0, h1, w0, w1;  // rows [h0, h1), columns [w0, w1)
};

__device__ __forceinline__ Window clipped_window(const PoolShape& s, int oh, int ow) {
  const int hs = oh * s.stride_h - s.pad_h, ws = ow * s.stride_w - s.pad_w;
  return Window{max(hs, 0), min(hs + s.kernel_h, s.in_h), max(ws, 0), min(ws + s.kernel_w, s.in_w)};
}

// Average pooling's divisor: the window clipped to [-pad, in + pad) in each direction.
__device__ __forceinline__ int average_divisor(const PoolShape& s, int oh, int ow) {
  const int hs = oh * s.stride_h - s.pad_h, ws = ow * s.stride_w - s.pad_w;
  const int he = min(hs + s.kernel_h, s.in_h + s.pad_h);
  const int we = min(ws + s.kernel_w, s.in_w + s.pad_w);
  return (he - hs) * (we - ws);
}

// Offset in the plane of the first maximal element of the window, or -1 when the window
// holds no input position.
__device__ __forceinline__ int window_argmax(const PoolShape& s, const float* plane, int oh,
                                             int ow) {
  const Window win = clipped_window(s, oh, ow);
  int best = -1;
  float best_value = 0.0f;
  for (int h = win.h0; h < win.h1; ++h) {
    for (int w = win.w0; w < win.w1; ++w) {
      const int offset = h * s.in_w + w;
      const float value = plane[offset];
      if (best < 0 || value > best_value) {
        best = offset;
        best_value = value;
      }
    }
  }
  return best;
}

__global__ void max_pool_forward_kernel(PoolShape s, const float* x, float* y) {
  const size_t out_plane = size_t(s.out_h) * s.out_w, in_plane = size_t(s.in_h) * s.in_w;
  const size_t count = size_t(s.planes) * out_plane;
  for (size_t i = first_index(); i < count; i += grid_stride()) {
    const size_t p = i / out_plane;
    const int oh = int((i % out_plane) / s.out_w), ow = int(i % s.out_w);
    const float* plane = x + p * in_plane;
    const int best = window_argmax(s, plane, oh, ow);
    y[i] = best >= 0 ? plane[best] : 0.0f;
  }
}

__global__ void avg_pool_forward_kernel(PoolShape s, const float* x, float* y) {
  const size_t out_plane = size_t(s.out_h) * s.out_w, in_plane = size_t(s.in_h) * s.in_w;
  const size_t count = size_t(s.planes) * out_plane;
  for (size_t i = first_index(); i < count; i += grid_stride()) {
    const size_t p = i / out_plane;
    const int oh = int((i % out_plane) / s.out_w), ow = int(i % s.out_w);
    const float* plane = x + p * in_plane;
    const Window win = clipped_window(s, oh, ow);
    float sum = 0.0f;
    for (int h = win.h0; h < win.h1; ++h) {
      for (int w = win.w0; w < win.w1; ++w) sum += plane[h * s.in_w + w];
    }
    y[i] = sum / float(average_divisor(s, oh, ow));
  }
}

__global__ void max_pool_argmax_kernel(PoolShape s, const float* x, int* argmax) {
  const size_t out_plane = size_t(s.out_h) * s.out_w, in_plane = size_t(s.in_h) * s.in_w;
  const size_t count = size_t(s.planes) * out_plane;
  for (size_t i = first_index(); i < count; i += grid_stride()) {
    const size_t p = i / out_plane;
    const int oh = int((i % out_plane) / s.out_w), ow = int(i % s.out_w);
    argmax[i] = window_argmax(s, x + p * in_plane, oh, ow);
  }
}

// The outputs whose windows contain input row (or column) `in`: [first, last).
__device__ __forceinline__ void covering_outputs(int in, int kernel, int stride, int pad,
                                                 int out_size, int& first, int& last) {
  const int padded = in + pad;
  first = padded < kernel ? 0 : (padded - kernel) / stride + 1;
  last = min(padded / stride + 1, out_size);
}

// Input element i (counted over all planes) as the backward passes gather it: its plane, its
// offset in the plane and the outputs whose windows contain it.
struct CoveredInput {
  size_t plane;
  int offset;
  Window outputs;  // output rows [h0, h1), columns [w0, w1)
};

__device__ __forceinline__ CoveredInput covered_input(const PoolShape& s, size_t i) {
  const size_t in_plane = size_t(s.in_h) * s.in_w;
  CoveredInput input;
  input.plane = i / in_plane;
  input.offset = int(i % in_plane);
  const int h = input.offset / s.in_w, w = input.offset % s.in_w;
  covering_outputs(h, s.kernel_h, s.stride_h, s.pad_h, s.out_h, input.outputs.h0, input.outputs.h1);
  covering_outputs(w, s.kernel_w, s.stride_w, s.pad_w, s.out_w, input.outputs.w0, input.outputs.w1);
  return input;
}

// Sums the gradients of the outputs that took this input as their window's maximum.
__global__ void max_pool_backward_kernel(PoolShape s, const int* argmax, const float* dy,
                                         float* dx) {
  const size_t out_plane = size_t(s.out_h) * s.out_w, in_plane = size_t(s.in_h) * s.in_w;
  const size_t count = size_t(s.planes) * in_plane;
  for (size_t i = first_index(); i < count; i += grid_stride()) {
    const CoveredInput input = covered_input(s, i);
    const int* plane_argmax = argmax + input.plane * out_plane;
    const float* plane_dy = dy + input.plane * out_plane;
    float sum = 0.0f;
    for (int oh = input.outputs.h0; oh < input.outputs.h1; ++oh) {
      for (int ow = input.outputs.w0; ow < input.outputs.w1; ++ow) {
        const int o = oh * s.out_w + ow;
        if (plane_argmax[o] == input.offset) sum += plane_dy[o];
      }
    }
    dx[i] = sum;
  }
}

// Sums each covering output's gradient divided by its window's average divisor.
__global__ void avg_pool_backward_kernel(PoolShape s, const float* dy, float* dx) {
  const size_t out_plane = size_t(s.out_h) * s.out_w, in_plane = size_t(s.in_h) * s.in_w;
  const size_t count = size_t(s.planes) * in_plane;
  for (size_t i = first_index(); i < count; i += grid_stride()) {
    const CoveredInput input = covered_input(s, i);
    const float* plane_dy = dy + input.plane * out_plane;
    float sum = 0.0f;
    for (int oh = input.outputs.h0; oh < input.outputs.h1; ++oh) {
      for (int ow = input.outputs.w0; ow < input.outputs.w1; ++ow) {
        sum += plane_dy[oh * s.out_w + ow] / float(average_divisor(s, oh, ow));
      }
    }
    dx[i] = sum;
  }
}

size_t output_count(const PoolShape& s) {
  return size_t(s.planes) * s.out_h * s.out_w;
}
size_t input_count(const PoolShape& s) {
  return size_t(s.planes) * s.in_h * s.in_w;
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
  const size_t outputs = output_count(shape), inputs = input_count(shape);
  if (inputs == 0) return;
  if (outputs > 0) {
    launch_checked(max_pool_argmax_kernel, grid_for(outputs), kThreads, stream, shape, x,
                   argmax_scratch);
  }
  launch_checked(max_pool_backward_kernel, grid_for(inputs), kThreads, stream, shape,
                 argmax_scratch, dy, dx);
}

void launch_avg_pool_backward(const PoolShape& shape, const float* dy, float* dx,
                              cudaStream_t stream) {
  const size_t count = input_count(shape);
  launch_grid_stride(avg_pool_backward_kernel, count, stream, shape, dy, dx);
}

}  // namespace nsrg::kernels
