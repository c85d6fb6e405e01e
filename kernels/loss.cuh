// Loss kernels: mean squared error (content and style losses), the weighted and optionally
// L1-normalized gradient accumulation, and total variation. Loss values go to device
// scalars through the deterministic reduction; nothing is read by the host.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>

#include "kernels/reduction.cuh"

namespace nsrg::kernels {

// *loss = weight * mean((x - target)^2); grad = 2 (x - target) / count (grad may alias x).
void launch_mse_loss(const float* x, const float* target, size_t count, float weight,
                     const ReduceScratch& scratch, float* loss, float* grad, cudaStream_t stream);

// accumulate += grad * weight, or with normalize grad * weight / (sum |grad| + 1e-8), the
// L1 norm computed on the device into *norm_scratch (one double); the factor is
// engine/core/loss_rules.h's weighted_gradient_factor.
void launch_add_weighted_gradient(const float* grad, size_t count, float weight, bool normalize,
                                  const ReduceScratch& scratch, double* norm_scratch,
                                  float* accumulate, cudaStream_t stream);

// Total variation of `planes` planes of height x width:
// *loss = weight/2 * sum over i < height-1, j < width-1 of
//         (x[i,j]-x[i,j+1])^2 + (x[i,j]-x[i+1,j])^2, and its gradient ADDED to grad.
void launch_tv_loss(const float* image, int planes, int height, int width, float weight,
                    const ReduceScratch& scratch, float* loss, float* grad, cudaStream_t stream);

}  // namespace nsrg::kernels
