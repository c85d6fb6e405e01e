// Reductions into device scalars (see reduction.cuh) and the shared final pass of the
// deterministic two-pass reduction (deterministic_reduce.cuh).
#include "kernels/deterministic_reduce.cuh"
#include "kernels/reduction.cuh"

namespace nsrg::kernels {
namespace {

__global__ void reduce_final_kernel(const double* partials, unsigned count, double multiplier,
                                    float* out, double* total_out) {
  double sum = 0.0;
  for (unsigned i = threadIdx.x; i < count; i += blockDim.x) sum += partials[i];
  sum = block_sum(sum);
  if (threadIdx.x == 0) {
    if (out != nullptr) *out = float(sum * multiplier);
    if (total_out != nullptr) *total_out = sum;
  }
}

struct DotTerm {
  const float* a;
  const float* b;
  __device__ double operator()(size_t i) const { return double(a[i]) * double(b[i]); }
};

struct AbsTerm {
  const float* a;
  __device__ double operator()(size_t i) const { return fabs(double(a[i])); }
};

struct ValueTerm {
  const float* a;
  __device__ double operator()(size_t i) const { return double(a[i]); }
};

}  // namespace

void launch_reduce_final(const double* partials, unsigned count, double multiplier, float* out,
                         double* total_out, cudaStream_t stream) {
  launch_checked(reduce_final_kernel, 1, kThreads, stream, partials, count, multiplier, out,
                 total_out);
}

void launch_dot(const float* a, const float* b, size_t count, const ReduceScratch& scratch,
                float* out, cudaStream_t stream) {
  reduce(count, DotTerm{a, b}, scratch, 1.0, out, nullptr, stream);
}

void launch_asum(const float* a, size_t count, const ReduceScratch& scratch, float* out,
                 cudaStream_t stream) {
  reduce(count, AbsTerm{a}, scratch, 1.0, out, nullptr, stream);
}

void launch_sum(const float* a, size_t count, const ReduceScratch& scratch, float* out,
                cudaStream_t stream) {
  reduce(count, ValueTerm{a}, scratch, 1.0, out, nullptr, stream);
}

}  // namespace nsrg::kernels
