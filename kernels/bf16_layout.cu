// Kernels of the bf16 activation layout (see bf16_layout.cuh): grid-stride loops, one thread
// an output element; what each does to an element is engine/core/bf16_layout_rules.h's rule,
// which the host tests run against the CPU backend. The transposing conversions read one
// side coalesced and the other strided; they run only where a float32 NCHW tensor meets the
// layout (docs/design.md, "The Backend contract").
#include "engine/core/bf16_layout_rules.h"
#include "kernels/bf16_layout.cuh"
#include "kernels/launch_config.cuh"

namespace nsrg::kernels {
namespace {

__global__ void nchw_to_bf16_nhwc_kernel(const float* src, uint16_t* dst, size_t channels,
                                         size_t plane, size_t count) {
  for (size_t i = first_index(); i < count; i += grid_stride())
    dst[i] = float_to_bf16(src[nchw_index_of_nhwc(i, channels, plane)]);
}

__global__ void bf16_nhwc_to_nchw_kernel(const uint16_t* src, float* dst, size_t channels,
                                         size_t plane, size_t count) {
  for (size_t i = first_index(); i < count; i += grid_stride())
    dst[i] = bf16_to_float(src[nhwc_index_of_nchw(i, channels, plane)]);
}

__global__ void weights_to_bf16_krsc_kernel(const float* src, uint16_t* dst, size_t channels,
                                            size_t taps, size_t count) {
  for (size_t i = first_index(); i < count; i += grid_stride())
    dst[i] = float_to_bf16(src[kcrs_index_of_krsc(i, channels, taps)]);
}

__global__ void bf16_nhwc_bias_add_kernel(uint16_t* y, const float* bias, size_t channels,
                                          size_t count) {
  for (size_t i = first_index(); i < count; i += grid_stride())
    bf16_nhwc_bias_add_element(y, bias, channels, i);
}

__global__ void bf16_relu_kernel(const uint16_t* x, uint16_t* y, size_t count) {
  for (size_t i = first_index(); i < count; i += grid_stride()) y[i] = bf16_relu_value(x[i]);
}

// One thread an NCHW element: dy and dx coalesced, y strided.
__global__ void bf16_nhwc_relu_backward_kernel(const uint16_t* y, const float* dy, float* dx,
                                               size_t channels, size_t plane, size_t count) {
  for (size_t i = first_index(); i < count; i += grid_stride())
    dx[i] = bf16_relu_gradient(y[nhwc_index_of_nchw(i, channels, plane)], dy[i]);
}

// One thread an NHWC output element: neighbouring threads read neighbouring channels.
__global__ void bf16_nhwc_pool_kernel(PoolWindowShape s, bool max, const uint16_t* x, uint16_t* y,
                                      size_t channels, size_t count) {
  for (size_t i = first_index(); i < count; i += grid_stride()) {
    const size_t position = i / channels;
    const int oh = int(position / size_t(s.out_w)), ow = int(position % size_t(s.out_w));
    y[i] = bf16_nhwc_pool_value(s, max, x, channels, i % channels, oh, ow);
  }
}

}  // namespace

void launch_nchw_to_bf16_nhwc(const float* src, uint16_t* dst, size_t channels, size_t plane,
                              cudaStream_t stream) {
  launch_grid_stride(nchw_to_bf16_nhwc_kernel, channels * plane, stream, src, dst, channels, plane,
                     channels * plane);
}

void launch_bf16_nhwc_to_nchw(const uint16_t* src, float* dst, size_t channels, size_t plane,
                              cudaStream_t stream) {
  launch_grid_stride(bf16_nhwc_to_nchw_kernel, channels * plane, stream, src, dst, channels, plane,
                     channels * plane);
}

void launch_weights_to_bf16_krsc(const float* src, uint16_t* dst, size_t filters, size_t channels,
                                 size_t taps, cudaStream_t stream) {
  const size_t count = filters * channels * taps;
  launch_grid_stride(weights_to_bf16_krsc_kernel, count, stream, src, dst, channels, taps, count);
}

void launch_bf16_nhwc_bias_add(uint16_t* y, const float* bias, size_t channels, size_t plane,
                               cudaStream_t stream) {
  launch_grid_stride(bf16_nhwc_bias_add_kernel, channels * plane, stream, y, bias, channels,
                     channels * plane);
}

void launch_bf16_relu(const uint16_t* x, uint16_t* y, size_t count, cudaStream_t stream) {
  launch_grid_stride(bf16_relu_kernel, count, stream, x, y, count);
}

void launch_bf16_nhwc_relu_backward(const uint16_t* y, const float* dy, float* dx, size_t channels,
                                    size_t plane, cudaStream_t stream) {
  launch_grid_stride(bf16_nhwc_relu_backward_kernel, channels * plane, stream, y, dy, dx, channels,
                     plane, channels * plane);
}

void launch_bf16_nhwc_pool(const PoolWindowShape& shape, bool max, const uint16_t* x, uint16_t* y,
                           size_t channels, cudaStream_t stream) {
  const size_t count = channels * size_t(shape.out_h) * size_t(shape.out_w);
  launch_grid_stride(bf16_nhwc_pool_kernel, count, stream, shape, max, x, y, channels, count);
}

}  // namespace nsrg::kernels
