// Kernels of the functions of symmetric matrices (see matrix_function.cuh). Each element rule
// is a host/device function of engine/core (matrix_function_rules.h, square_matrix_rules.h)
// that the CPU backend runs too; this file keeps the launches.
#include "engine/core/square_matrix_rules.h"
#include "kernels/launch_config.cuh"
#include "kernels/matrix_function.cuh"

namespace nsrg::kernels {
namespace {

__global__ void function_scaled_kernel(MatrixFunction function, const double* vectors,
                                       const double* values, int size, double* scaled) {
  const size_t n = size_t(size), count = n * n;
  for (size_t k = first_index(); k < count; k += grid_stride())
    function_scaled_element(function, vectors, values, n, k % n, k / n, scaled);
}

__global__ void widen_kernel(const float* in, double* out, size_t count) {
  for (size_t k = first_index(); k < count; k += grid_stride()) out[k] = double(in[k]);
}

__global__ void narrow_symmetrized_kernel(const double* product, int size, float* out) {
  const size_t n = size_t(size), count = n * n;
  for (size_t k = first_index(); k < count; k += grid_stride())
    narrow_symmetrized_element(product, n, k / n, k % n, out);
}

}  // namespace

void launch_function_scaled(MatrixFunction function, const double* vectors, const double* values,
                            int size, double* scaled, cudaStream_t stream) {
  const size_t count = size_t(size) * size_t(size);
  launch_grid_stride(function_scaled_kernel, count, stream, function, vectors, values, size,
                     scaled);
}

void launch_widen(const float* in, double* out, size_t count, cudaStream_t stream) {
  launch_grid_stride(widen_kernel, count, stream, in, out, count);
}

void launch_narrow_symmetrized(const double* product, int size, float* out, cudaStream_t stream) {
  const size_t count = size_t(size) * size_t(size);
  launch_grid_stride(narrow_symmetrized_kernel, count, stream, product, size, out);
}

}  // namespace nsrg::kernels
