// Reductions into device scalars (see reduction.cuh): the deterministic two-pass reduction
// (deterministic_reduce.cuh) of engine/core/reduction_terms.h's terms.
#include "kernels/deterministic_reduce.cuh"
#include "kernels/reduction.cuh"

namespace nsrg::kernels {

void launch_dot(const float* a, const float* b, size_t count, const ReduceScratch& scratch,
                float* out, cudaStream_t stream) {
  reduce(count, DotTerm{a, b}, scratch, PlainTotal{}, out, nullptr, stream);
}

void launch_asum(const float* a, size_t count, const ReduceScratch& scratch, float* out,
                 cudaStream_t stream) {
  reduce(count, AbsTerm{a}, scratch, PlainTotal{}, out, nullptr, stream);
}

void launch_sum(const float* a, size_t count, const ReduceScratch& scratch, float* out,
                cudaStream_t stream) {
  reduce(count, ValueTerm{a}, scratch, PlainTotal{}, out, nullptr, stream);
}

}  // namespace nsrg::kernels
