// Element-wise kernels: fill, bias add, masked features, ReLU forward/backward, axpy and scale with
// a device-resident coefficient, and the small square-matrix helpers of the Gram ops. Host-callable
// launchers; every launcher enqueues on `stream` and returns at once.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>

#include "engine/core/elementwise_rules.h"

namespace nsrg::kernels {

// A vector-op coefficient as a kernel sees it: constant, times *scalar when scalar is set
// (read on the device inside the kernel, never by the host).
struct DeviceCoef {
  float constant = 1.0f;
  const float* scalar = nullptr;

  // The value (engine/core/elementwise_rules.h's rule); device code only.
  NSRG_HOST_DEVICE float value() const { return coefficient_value(constant, scalar); }
};

void launch_fill(float* dst, size_t count, float value, cudaStream_t stream);

// y[n, k, :] += bias[k] for y of `images` x `channels` planes of `plane` elements.
void launch_bias_add(float* y, const float* bias, int images, int channels, size_t plane,
                     cudaStream_t stream);

// out[c, p] = f[c, p] * mask[p] for `count` elements of planes of `plane` elements.
void launch_mask_features(const float* f, const float* mask, float* out, size_t plane, size_t count,
                          cudaStream_t stream);

void launch_relu_forward(const float* x, float* y, size_t count, cudaStream_t stream);
// dx = dy where y > 0 else 0; dy and dx may alias.
void launch_relu_backward(const float* y, const float* dy, float* dx, size_t count,
                          cudaStream_t stream);

// y += alpha x
void launch_axpy(DeviceCoef alpha, const float* x, float* y, size_t count, cudaStream_t stream);
// x *= alpha
void launch_scale(DeviceCoef alpha, float* x, size_t count, cudaStream_t stream);

// Square size x size matrix whose elements m[a*size + b] with b >= a are set: copies them to
// the mirrored positions m[b*size + a] (b > a), so both triangles hold the same values.
void launch_mirror_upper_to_lower(float* matrix, int size, cudaStream_t stream);

// sum[a*size + b] = m[a*size + b] + m[b*size + a] (exactly symmetric).
void launch_add_transpose(const float* matrix, float* sum, int size, cudaStream_t stream);

}  // namespace nsrg::kernels
