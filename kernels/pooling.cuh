// Max and average pooling, forward and backward, with Caffe semantics (see
// engine/core/geometry.h): ceil-mode output sizes are given by the caller; max ignores
// positions outside the input and routes each gradient to the first maximal element in
// row-major window order; average divides by the window's size clipped to
// [-pad, in + pad) (padding counts, the ceil overhang does not). The rules are
// engine/core/pooling_rules.h's, shared with the CPU backend. Host-callable launchers.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "engine/core/pooling_rules.h"

namespace nsrg::kernels {

// The pooling of `planes` planes of the same geometry.
struct PoolShape : PoolWindowShape {
  int planes = 0;  // images x channels
};

void launch_max_pool_forward(const PoolShape& shape, const float* x, float* y, cudaStream_t stream);
void launch_avg_pool_forward(const PoolShape& shape, const float* x, float* y, cudaStream_t stream);

// dx (overwritten) from dy. argmax_scratch: planes*out_h*out_w ints of device scratch.
void launch_max_pool_backward(const PoolShape& shape, const float* x, const float* dy,
                              int* argmax_scratch, float* dx, cudaStream_t stream);
// The same with the forward input x in the bf16 NHWC layout (engine/core/bf16_layout_rules.h)
// of batch 1: the argmax read there, dy and dx float32 NCHW as above.
void launch_bf16_nhwc_max_pool_backward(const PoolShape& shape, const uint16_t* x, const float* dy,
                                        int* argmax_scratch, float* dx, cudaStream_t stream);
void launch_avg_pool_backward(const PoolShape& shape, const float* dy, float* dx,
                              cudaStream_t stream);

}  // namespace nsrg::kernels
