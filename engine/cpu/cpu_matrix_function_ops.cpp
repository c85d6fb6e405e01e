// CpuBackend's functions of symmetric matrices: symmetric_function (V f(Lambda) V^T from the
// double eigendecomposition, rebuilt by a double GEMM) and symmetric_sandwich (A B A by two
// double GEMMs). The element steps (f of each eigenvalue times its eigenvector column, the
// symmetric part rounded to float) are the host/device rules of engine/core
// (matrix_function_rules.h, square_matrix_rules.h) that the CUDA kernels run too.
#include <cblas.h>

#include <cstddef>
#include <vector>

#include "engine/core/error.h"
#include "engine/core/matrix_function_rules.h"
#include "engine/core/shape_checks.h"
#include "engine/core/square_matrix_rules.h"
#include "engine/cpu/cpu_backend_impl.h"
#include "engine/cpu/cpu_symmetric_eigen.h"

namespace nsrg {
namespace {

// Runs the element loops on several threads only when the matrix is big enough to pay off.
constexpr ptrdiff_t kParallelElements = 16384;

// out = the symmetric part of the double C x C `product`, rounded to float.
void narrow_symmetrized(const std::vector<double>& product, int channels, float* out) {
  const ptrdiff_t c = channels;
#pragma omp parallel for schedule(static) if (c * c > kParallelElements)
  for (ptrdiff_t i = 0; i < c; ++i)
    for (ptrdiff_t j = 0; j < c; ++j)
      narrow_symmetrized_element(product.data(), size_t(c), size_t(i), size_t(j), out);
}

std::vector<double> widened(const Tensor& matrix) {
  return std::vector<double>(matrix.data(), matrix.data() + matrix.numel());
}

}  // namespace

void CpuBackend::symmetric_function(const Tensor& matrix, MatrixFunction function, Tensor& out) {
  const int channels = check_square_operands(matrix, matrix, out, "symmetric_function");
  const ptrdiff_t c = channels;
  use_threads();  // OpenBLAS on one thread: dsyevd's and dgemm's sums then have one order
  const DoubleEigen eigen = decompose_symmetric(matrix, channels, "symmetric_function");
  NSRG_CHECK(!needs_positive_definite(function) || eigen.values[size_t(c - 1)] > 0.0,
             "symmetric_function: ", name_in(kMatrixFunctionNames, function),
             " of a matrix whose largest eigenvalue is ", eigen.values[size_t(c - 1)]);
  std::vector<double> scaled(size_t(c * c));
#pragma omp parallel for schedule(static) if (c * c > kParallelElements)
  for (ptrdiff_t j = 0; j < c; ++j)
    for (ptrdiff_t i = 0; i < c; ++i)
      function_scaled_element(function, eigen.vectors.data(), eigen.values.data(), size_t(c),
                              size_t(i), size_t(j), scaled.data());
  // Column-major: (V f(Lambda)) V^T.
  std::vector<double> rebuilt(size_t(c * c));
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, channels, channels, channels, 1.0,
              scaled.data(), channels, eigen.vectors.data(), channels, 0.0, rebuilt.data(),
              channels);
  narrow_symmetrized(rebuilt, channels, out.data());
}

void CpuBackend::symmetric_sandwich(const Tensor& outer, const Tensor& inner, Tensor& out) {
  const int channels = check_square_operands(outer, inner, out, "symmetric_sandwich");
  const size_t count = size_t(channels) * size_t(channels);
  use_threads();  // OpenBLAS on one thread: dgemm's sums then have one order
  const std::vector<double> a = widened(outer), b = widened(inner);
  std::vector<double> left(count), product(count);
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, channels, channels, channels, 1.0,
              a.data(), channels, b.data(), channels, 0.0, left.data(), channels);
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, channels, channels, channels, 1.0,
              left.data(), channels, a.data(), channels, 0.0, product.data(), channels);
  narrow_symmetrized(product, channels, out.data());
}

}  // namespace nsrg
