// Kernels of the CUDA backend's bf16 activation layout (bfloat16, channels last; the rules
// are engine/core/bf16_layout_rules.h's): conversions between it and float32 NCHW, the
// weights' one-time conversion to bf16 KRSC, the bias add, ReLU, ReLU backward and pooling
// on the layout. Host-callable launchers; every launcher enqueues on `stream` and returns
// at once. Maps are batch 1: `channels` channels of `plane` (= H * W) positions.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

#include "engine/core/pooling_rules.h"

namespace nsrg::kernels {

// float32 NCHW -> bf16 NHWC, rounded to nearest even.
void launch_nchw_to_bf16_nhwc(const float* src, uint16_t* dst, size_t channels, size_t plane,
                              cudaStream_t stream);
// bf16 NHWC -> float32 NCHW (exact).
void launch_bf16_nhwc_to_nchw(const uint16_t* src, float* dst, size_t channels, size_t plane,
                              cudaStream_t stream);
// float32 KCRS weights [K,C,R,S] -> bf16 KRSC (channels last), `taps` = R * S.
void launch_weights_to_bf16_krsc(const float* src, uint16_t* dst, size_t filters, size_t channels,
                                 size_t taps, cudaStream_t stream);
// y (bf16 NHWC) += bias, rounded once more.
void launch_bf16_nhwc_bias_add(uint16_t* y, const float* bias, size_t channels, size_t plane,
                               cudaStream_t stream);
// ReLU on `count` bf16 values (any layout); x may be y.
void launch_bf16_relu(const uint16_t* x, uint16_t* y, size_t count, cudaStream_t stream);
// dx = dy where y > 0 else 0, y bf16 NHWC, dy and dx float32 NCHW (dy may be dx).
void launch_bf16_nhwc_relu_backward(const uint16_t* y, const float* dy, float* dx, size_t channels,
                                    size_t plane, cudaStream_t stream);
// Max (max true) or average pooling of a bf16 NHWC map of `channels` channels into bf16 NHWC.
void launch_bf16_nhwc_pool(const PoolWindowShape& shape, bool max, const uint16_t* x, uint16_t* y,
                           size_t channels, cudaStream_t stream);

}  // namespace nsrg::kernels
