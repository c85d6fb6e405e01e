// Element-wise kernels (see elementwise.cuh): fill, bias add, masked features, ReLU, axpy/scale
// with a device-resident coefficient, and the Gram matrices' triangle helpers. Each kernel is a
// grid-stride loop over the elements; what it does to an element is the host/device rule of
// engine/core/elementwise_rules.h or square_matrix_rules.h that the CPU backend runs too.
#include "engine/core/square_matrix_rules.h"
#include "kernels/elementwise.cuh"
#include "kernels/launch_config.cuh"

namespace nsrg::kernels {
namespace {

__global__ void fill_kernel(float* dst, size_t count, float value) {
  for (size_t i = first_index(); i < count; i += grid_stride()) fill_element(dst, i, value);
}

__global__ void bias_add_kernel(float* y, const float* bias, int channels, size_t plane,
                                size_t count) {
  for (size_t i = first_index(); i < count; i += grid_stride())
    bias_add_element(y, bias, channels, plane, i);
}

__global__ void mask_features_kernel(const float* f, const float* mask, float* out, size_t plane,
                                     size_t count) {
  for (size_t i = first_index(); i < count; i += grid_stride())
    mask_features_element(f, mask, out, plane, i);
}

__global__ void relu_forward_kernel(const float* x, float* y, size_t count) {
  for (size_t i = first_index(); i < count; i += grid_stride()) relu_forward_element(x, y, i);
}

__global__ void relu_backward_kernel(const float* y, const float* dy, float* dx, size_t count) {
  for (size_t i = first_index(); i < count; i += grid_stride()) relu_backward_element(y, dy, dx, i);
}

__global__ void axpy_kernel(DeviceCoef alpha, const float* x, float* y, size_t count) {
  const float a = alpha.value();
  for (size_t i = first_index(); i < count; i += grid_stride()) axpy_element(a, x, y, i);
}

__global__ void scale_kernel(DeviceCoef alpha, float* x, size_t count) {
  const float a = alpha.value();
  for (size_t i = first_index(); i < count; i += grid_stride()) scale_element(a, x, i);
}

__global__ void mirror_upper_to_lower_kernel(float* m, int size) {
  const size_t n = size_t(size), count = n * n;
  for (size_t i = first_index(); i < count; i += grid_stride())
    mirror_upper_to_lower_element(m, n, i / n, i % n);
}

__global__ void add_transpose_kernel(const float* m, float* sum, int size) {
  const size_t n = size_t(size), count = n * n;
  for (size_t i = first_index(); i < count; i += grid_stride())
    add_transpose_element(m, sum, n, i / n, i % n);
}

}  // namespace

void launch_fill(float* dst, size_t count, float value, cudaStream_t stream) {
  launch_grid_stride(fill_kernel, count, stream, dst, count, value);
}

void launch_bias_add(float* y, const float* bias, int images, int channels, size_t plane,
                     cudaStream_t stream) {
  const size_t count = size_t(images) * size_t(channels) * plane;
  launch_grid_stride(bias_add_kernel, count, stream, y, bias, channels, plane, count);
}

void launch_mask_features(const float* f, const float* mask, float* out, size_t plane, size_t count,
                          cudaStream_t stream) {
  launch_grid_stride(mask_features_kernel, count, stream, f, mask, out, plane, count);
}

void launch_relu_forward(const float* x, float* y, size_t count, cudaStream_t stream) {
  launch_grid_stride(relu_forward_kernel, count, stream, x, y, count);
}

void launch_relu_backward(const float* y, const float* dy, float* dx, size_t count,
                          cudaStream_t stream) {
  launch_grid_stride(relu_backward_kernel, count, stream, y, dy, dx, count);
}

void launch_axpy(DeviceCoef alpha, const float* x, float* y, size_t count, cudaStream_t stream) {
  launch_grid_stride(axpy_kernel, count, stream, alpha, x, y, count);
}

void launch_scale(DeviceCoef alpha, float* x, size_t count, cudaStream_t stream) {
  launch_grid_stride(scale_kernel, count, stream, alpha, x, count);
}

void launch_mirror_upper_to_lower(float* matrix, int size, cudaStream_t stream) {
  const size_t count = size_t(size) * size_t(size);
  launch_grid_stride(mirror_upper_to_lower_kernel, count, stream, matrix, size);
}

void launch_add_transpose(const float* matrix, float* sum, int size, cudaStream_t stream) {
  const size_t count = size_t(size) * size_t(size);
  launch_grid_stride(add_transpose_kernel, count, stream, matrix, sum, size);
}

}  // namespace nsrg::kernels
