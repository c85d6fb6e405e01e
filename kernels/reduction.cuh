// Reductions into device-resident scalars: dot, sum of absolute values, plain sum.
// Deterministic (fixed-order two-pass, see deterministic_reduce.cuh). Host-callable
// launchers; results stay on the device.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>

namespace nsrg::kernels {

// Number of pass-1 partial sums a reduction may produce.
constexpr int kReducePartials = 1024;

// Device scratch one reduction needs: kReducePartials doubles. Reductions enqueued on one
// stream may share it.
struct ReduceScratch {
  double* partials = nullptr;
};

// *out = sum a_i b_i
void launch_dot(const float* a, const float* b, size_t count, const ReduceScratch& scratch,
                float* out, cudaStream_t stream);
// *out = sum |a_i|
void launch_asum(const float* a, size_t count, const ReduceScratch& scratch, float* out,
                 cudaStream_t stream);
// *out = sum a_i
void launch_sum(const float* a, size_t count, const ReduceScratch& scratch, float* out,
                cudaStream_t stream);

}  // namespace nsrg::kernels
