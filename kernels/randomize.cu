// Style-randomization kernels (see randomize.cuh). Every element rule (the layout around
// syevd, the entries of V' and lambda' per mode with their Philox draws, the symmetrization,
// random_gram's entries and factor, the mix) is a host/device function of engine/core
// (square_matrix_rules.h, randomize_rules.h) that the CPU backend runs too, so the CPU and
// the GPU draw bit-identical multipliers and combine them the same way.
#include "engine/core/randomize_rules.h"
#include "engine/core/square_matrix_rules.h"
#include "kernels/deterministic_reduce.cuh"
#include "kernels/launch_config.cuh"
#include "kernels/randomize.cuh"

namespace nsrg::kernels {
namespace {

__global__ void widen_matrix_kernel(const float* in, double* out, int size, int* nonfinite_flag) {
  const size_t n = size_t(size), count = n * n;
  for (size_t k = first_index(); k < count; k += grid_stride()) {
    if (!widen_to_column_major_element(in, out, n, k / n, k % n)) *nonfinite_flag = 1;
  }
}

__global__ void narrow_eigen_kernel(const double* vectors_column_major, const double* values,
                                    int size, float* vectors, float* out_values) {
  const size_t n = size_t(size), count = n * n;
  for (size_t k = first_index(); k < count; k += grid_stride())
    narrow_eigen_element(vectors_column_major, values, n, k / n, k % n, vectors, out_values);
}

__global__ void randomize_eigen_kernel(GramRandomization params, const float* eigenvalues,
                                       const float* eigenvectors, int size, double* vectors,
                                       double* scaled) {
  const size_t count = size_t(size) * size_t(size);
  for (size_t k = first_index(); k < count; k += grid_stride()) {
    const int i = int(k / size_t(size)), j = int(k % size_t(size));
    const double entry = randomized_eigenvector_entry(params, eigenvectors, size, i, j);
    vectors[k] = entry;
    scaled[k] = entry * randomized_eigenvalue(params, eigenvalues, j);
  }
}

__global__ void mix_rebuilt_kernel(const float* gram, const double* rebuilt, int size, double mix,
                                   float* target) {
  const size_t count = size_t(size) * size_t(size);
  for (size_t k = first_index(); k < count; k += grid_stride()) {
    const int i = int(k / size_t(size)), j = int(k % size_t(size));
    target[k] = mixed_target(mix, gram[k], symmetrized_entry(rebuilt, size, i, j));
  }
}

// random_gram's unscaled entry k = (i, j).
__device__ __forceinline__ float random_entry(const GramRandomization& params, int size, size_t k) {
  return random_gram_entry(params, size, int(k / size_t(size)), int(k % size_t(size)));
}

struct RandomEntryTerm {
  GramRandomization params;
  int size;
  __device__ double operator()(size_t k) const { return double(random_entry(params, size, k)); }
};

__global__ void random_gram_mix_kernel(GramRandomization params, const float* gram, int size,
                                       const double* totals, float* target) {
  const double factor = random_gram_factor(totals[0], totals[1]);
  const size_t count = size_t(size) * size_t(size);
  for (size_t k = first_index(); k < count; k += grid_stride())
    target[k] = random_gram_target(params.mix, gram[k], random_entry(params, size, k), factor);
}

}  // namespace

void launch_widen_matrix(const float* in, double* out, int size, int* nonfinite_flag,
                         cudaStream_t stream) {
  const size_t count = size_t(size) * size_t(size);
  launch_grid_stride(widen_matrix_kernel, count, stream, in, out, size, nonfinite_flag);
}

void launch_narrow_eigen(const double* vectors_column_major, const double* values, int size,
                         float* vectors, float* out_values, cudaStream_t stream) {
  const size_t count = size_t(size) * size_t(size);
  launch_grid_stride(narrow_eigen_kernel, count, stream, vectors_column_major, values, size,
                     vectors, out_values);
}

void launch_randomize_eigen(const GramRandomization& params, const float* eigenvalues,
                            const float* eigenvectors, int size, double* vectors, double* scaled,
                            cudaStream_t stream) {
  const size_t count = size_t(size) * size_t(size);
  launch_grid_stride(randomize_eigen_kernel, count, stream, params, eigenvalues, eigenvectors, size,
                     vectors, scaled);
}

void launch_mix_rebuilt(const float* gram, const double* rebuilt, int size, double mix,
                        float* target, cudaStream_t stream) {
  const size_t count = size_t(size) * size_t(size);
  launch_grid_stride(mix_rebuilt_kernel, count, stream, gram, rebuilt, size, mix, target);
}

void launch_random_gram(const GramRandomization& params, const float* gram, int size,
                        const ReduceScratch& scratch, double* totals, float* target,
                        cudaStream_t stream) {
  const size_t count = size_t(size) * size_t(size);
  if (count == 0) return;
  reduce(count, AbsTerm{gram}, scratch, PlainTotal{}, nullptr, totals, stream);
  reduce(count, RandomEntryTerm{params, size}, scratch, PlainTotal{}, nullptr, totals + 1, stream);
  launch_checked(random_gram_mix_kernel, grid_for(count), kThreads, stream, params, gram, size,
                 totals, target);
}

}  // namespace nsrg::kernels
