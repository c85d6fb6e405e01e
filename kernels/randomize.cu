// Style-randomization kernels (see randomize.cuh). Every random number comes from the
// host/device draw functions of engine/core/randomization.h, so the CPU and the GPU use
// bit-identical multipliers.
#include "kernels/deterministic_reduce.cuh"
#include "kernels/launch_config.cuh"
#include "kernels/randomize.cuh"

namespace nsrg::kernels {
namespace {

__global__ void widen_matrix_kernel(const float* in, double* out, size_t count,
                                    int* nonfinite_flag) {
  for (size_t i = first_index(); i < count; i += grid_stride()) {
    const float value = in[i];
    if (!isfinite(value)) *nonfinite_flag = 1;
    out[i] = double(value);
  }
}

__global__ void narrow_eigen_kernel(const double* vectors_column_major, const double* values,
                                    int size, float* vectors, float* out_values) {
  const size_t count = size_t(size) * size_t(size);
  for (size_t k = first_index(); k < count; k += grid_stride()) {
    const size_t i = k / size_t(size), j = k % size_t(size);
    vectors[k] = float(vectors_column_major[i + j * size_t(size)]);
    if (k < size_t(size)) out_values[k] = float(values[k]);
  }
}

__global__ void randomize_eigen_kernel(GramRandomization params, const float* eigenvalues,
                                       const float* eigenvectors, int size, double* vectors,
                                       double* scaled) {
  const size_t count = size_t(size) * size_t(size);
  for (size_t k = first_index(); k < count; k += grid_stride()) {
    const int i = int(k / size_t(size)), j = int(k % size_t(size));
    double entry = eigenvectors[k];
    if (params.mode == RandomizeMode::ScaleEigenvectors) {
      entry *= eigenvector_scale_draw(params, size, i, j);
    } else if (params.mode == RandomizeMode::ReplaceEigenvectors) {
      entry = eigenvector_replace_draw(params, size, i, j);
    }
    double value = eigenvalues[j];
    if (params.mode == RandomizeMode::ScaleEigenvalues) value *= eigenvalue_scale_draw(params, j);
    vectors[k] = entry;
    scaled[k] = entry * value;
  }
}

__global__ void mix_rebuilt_kernel(const float* gram, const double* rebuilt, int size, double mix,
                                   float* target) {
  const size_t count = size_t(size) * size_t(size);
  for (size_t k = first_index(); k < count; k += grid_stride()) {
    const size_t i = k / size_t(size), j = k % size_t(size);
    const double symmetric = i == j ? rebuilt[k] : 0.5 * (rebuilt[k] + rebuilt[j * size + i]);
    target[k] = float((1.0 - mix) * double(gram[k]) + mix * symmetric);
  }
}

// Entry (i, j) of random_gram's unscaled symmetric matrix: the draw of (min, max).
__device__ __forceinline__ float random_entry(const GramRandomization& params, int size, size_t k) {
  const int i = int(k / size_t(size)), j = int(k % size_t(size));
  return i <= j ? random_gram_draw(params, size, i, j) : random_gram_draw(params, size, j, i);
}

struct AbsTerm {
  const float* a;
  __device__ double operator()(size_t k) const { return fabs(double(a[k])); }
};

struct RandomEntryTerm {
  GramRandomization params;
  int size;
  __device__ double operator()(size_t k) const { return double(random_entry(params, size, k)); }
};

__global__ void random_gram_mix_kernel(GramRandomization params, const float* gram, int size,
                                       const double* totals, float* target) {
  const double factor = totals[1] > 0.0 ? totals[0] / totals[1] : 0.0;
  const double mix = params.mix;
  const size_t count = size_t(size) * size_t(size);
  for (size_t k = first_index(); k < count; k += grid_stride()) {
    const double random = double(random_entry(params, size, k)) * factor;
    target[k] = float((1.0 - mix) * double(gram[k]) + mix * random);
  }
}

}  // namespace

void launch_widen_matrix(const float* in, double* out, int size, int* nonfinite_flag,
                         cudaStream_t stream) {
  const size_t count = size_t(size) * size_t(size);
  launch_grid_stride(widen_matrix_kernel, count, stream, in, out, count, nonfinite_flag);
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
  reduce(count, AbsTerm{gram}, scratch, 1.0, nullptr, totals, stream);
  reduce(count, RandomEntryTerm{params, size}, scratch, 1.0, nullptr, totals + 1, stream);
  launch_checked(random_gram_mix_kernel, grid_for(count), kThreads, stream, params, gram, size,
                 totals, target);
}

}  // namespace nsrg::kernels
