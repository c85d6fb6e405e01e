// CudaBackend's functions of symmetric matrices, as the CPU backend computes them:
// symmetric_function by cuSOLVER dsyevd on the double copy (decompose_symmetric), f of each
// eigenvalue times its eigenvector column in a kernel, (V f(Lambda)) V^T by a double GEMM and
// its symmetric part rounded to float; symmetric_sandwich by two double GEMMs.
//
// Layouts: syevd's eigenvectors are column-major and the rebuild runs column-major
// (DGEMM(N, T) of V f(Lambda) and V). The sandwich reads the row-major float operands as
// column-major matrices, i.e. their transposes, and so computes (A B A)^T; its symmetric
// part is A B A's.
#include "engine/core/error.h"
#include "engine/core/shape_checks.h"
#include "engine/cuda/cuda_backend_impl.h"
#include "engine/cuda/cuda_check.h"
#include "kernels/matrix_function.cuh"

namespace nsrg {

void CudaBackend::symmetric_function(const Tensor& matrix, MatrixFunction function, Tensor& out) {
  (void)float_values(matrix);
  (void)float_output(out);
  const int channels = check_square_operands(matrix, matrix, out, "symmetric_function");
  const size_t c = size_t(channels);
  DeviceBuffer vectors(*pool_, c * c * sizeof(double));
  DeviceBuffer values(*pool_, c * sizeof(double));
  decompose_symmetric(matrix, channels, vectors, values, "symmetric_function");
  if (needs_positive_definite(function)) {
    double largest = 0.0;  // setup-time check, like the solver's status
    NSRG_CUDA_CHECK(cudaMemcpyAsync(&largest, values.as<double>() + (c - 1), sizeof(double),
                                    cudaMemcpyDeviceToHost, stream()));
    NSRG_CUDA_CHECK(cudaStreamSynchronize(stream()));
    NSRG_CHECK(largest > 0.0, "symmetric_function: ", name_in(kMatrixFunctionNames, function),
               " of a matrix whose largest eigenvalue is ", largest);
  }
  DeviceBuffer scaled(*pool_, c * c * sizeof(double));
  DeviceBuffer rebuilt(*pool_, c * c * sizeof(double));
  kernels::launch_function_scaled(function, vectors.as<double>(), values.as<double>(), channels,
                                  scaled.as<double>(), stream());
  const double one = 1.0, zero = 0.0;
  NSRG_CUBLAS_CHECK(cublasDgemm(cublas_.get(), CUBLAS_OP_N, CUBLAS_OP_T, channels, channels,
                                channels, &one, scaled.as<double>(), channels, vectors.as<double>(),
                                channels, &zero, rebuilt.as<double>(), channels));
  kernels::launch_narrow_symmetrized(rebuilt.as<double>(), channels, out.data(), stream());
}

void CudaBackend::symmetric_sandwich(const Tensor& outer, const Tensor& inner, Tensor& out) {
  (void)float_values(outer);
  (void)float_values(inner);
  (void)float_output(out);
  const int channels = check_square_operands(outer, inner, out, "symmetric_sandwich");
  const size_t count = size_t(channels) * size_t(channels);
  DeviceBuffer a(*pool_, count * sizeof(double)), b(*pool_, count * sizeof(double));
  DeviceBuffer left(*pool_, count * sizeof(double)), product(*pool_, count * sizeof(double));
  kernels::launch_widen(outer.data(), a.as<double>(), count, stream());
  kernels::launch_widen(inner.data(), b.as<double>(), count, stream());
  const double one = 1.0, zero = 0.0;
  NSRG_CUBLAS_CHECK(cublasDgemm(cublas_.get(), CUBLAS_OP_N, CUBLAS_OP_N, channels, channels,
                                channels, &one, a.as<double>(), channels, b.as<double>(), channels,
                                &zero, left.as<double>(), channels));
  NSRG_CUBLAS_CHECK(cublasDgemm(cublas_.get(), CUBLAS_OP_N, CUBLAS_OP_N, channels, channels,
                                channels, &one, left.as<double>(), channels, a.as<double>(),
                                channels, &zero, product.as<double>(), channels));
  kernels::launch_narrow_symmetrized(product.as<double>(), channels, out.data(), stream());
}

}  // namespace nsrg
