// Max and average pooling, forward and backward, with Caffe semantics (see
// engine/core/geometry.h): ceil-mode output sizes are given by the caller; max ignores
// positions outside the input and routes each gradient to the first maximal element in
// row-major window order; average divides by the window's size clipped to
// [-pad, in + pad) (padding counts, the ceil overhang does not). Host-callable launchers.
#pragma once

#include <cuda_runtime.h>

namespace nsrg::kernels {

struct PoolShape {
  int planes = 0;  // images x channels
  int in_h = 0, in_w = 0, out_h = 0, out_w = 0;
  int kernel_h = 0, kernel_w = 0, stride_h = 0, stride_w = 0, pad_h = 0, pad_w = 0;
};

void launch_max_pool_forward(const PoolShape& shape, const float* x, float* y, cudaStream_t stream);
void launch_avg_pool_forward(const PoolShape& shape, const float* x, float* y, cudaStream_t stream);

// dx (overwritten) from dy. argmax_scratch: planes*out_h*out_w ints of device scratch.
void launch_max_pool_backward(const PoolShape& shape, const float* x, const float* dy,
                              int* argmax_scratch, float* dx, cudaStream_t stream);
void launch_avg_pool_backward(const PoolShape& shape, const float* dy, float* dx,
                              cudaStream_t stream);

}  // namespace nsrg::kernels
