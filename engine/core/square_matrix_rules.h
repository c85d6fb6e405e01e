// Element rules on square row-major matrices, written once for the CPU backend and the CUDA
// kernels: the Gram ops' triangle helpers (mirror the upper triangle into the lower; M + M^T
// for the Gram backward), the symmetric part of a double product rounded to float (the
// rebuilt matrices of randomize_gram, symmetric_function and symmetric_sandwich), and the
// layout conversions around the symmetric eigensolver
// (LAPACK or cuSOLVER dsyevd, column-major double): the widened column-major copy it
// factors and the row-major float eigenvectors read back from it.
#pragma once

#include <cmath>
#include <cstddef>

#include "engine/core/host_device.h"

namespace nsrg {

// m[row][column] = m[column][row] when column < row: the lower triangle copied from the
// upper one (the diagonal and the upper triangle are left alone).
NSRG_HOST_DEVICE void mirror_upper_to_lower_element(float* matrix, size_t size, size_t row,
                                                    size_t column) {
  if (column < row) matrix[row * size + column] = matrix[column * size + row];
}

// sum[row][column] = m[row][column] + m[column][row] (an exactly symmetric sum).
NSRG_HOST_DEVICE void add_transpose_element(const float* matrix, float* sum, size_t size,
                                            size_t row, size_t column) {
  sum[row * size + column] = matrix[row * size + column] + matrix[column * size + row];
}

// The eigensolver's input: entry (row, column) of the row-major float matrix, widened to
// double at the same (row, column) of the column-major copy, so the solver's upper triangle
// is the row-major upper triangle. Returns whether the entry is finite.
NSRG_HOST_DEVICE bool widen_to_column_major_element(const float* row_major, double* column_major,
                                                    size_t size, size_t row, size_t column) {
  const float value = row_major[row * size + column];
  column_major[row + column * size] = double(value);
#if defined(__CUDA_ARCH__)
  return isfinite(value);
#else
  return std::isfinite(value);
#endif
}

// The eigensolver's output: entry (row, column) of the row-major float eigenvectors (column j
// = eigenvector j) from the column-major double ones, and for row 0 eigenvalue `column`.
NSRG_HOST_DEVICE void narrow_eigen_element(const double* vectors_column_major, const double* values,
                                           size_t size, size_t row, size_t column, float* vectors,
                                           float* out_values) {
  vectors[row * size + column] = float(vectors_column_major[row + column * size]);
  if (row == 0) out_values[column] = float(values[column]);
}

// Entry (row, column) of the symmetric part (M + M^T) / 2 of a row-major size x size double
// matrix; the diagonal is M's own.
NSRG_HOST_DEVICE double symmetrized_entry(const double* matrix, int size, int row, int column) {
  const size_t here = size_t(row) * size_t(size) + size_t(column);
  if (row == column) return matrix[here];
  return 0.5 * (matrix[here] + matrix[size_t(column) * size_t(size) + size_t(row)]);
}

// Entry (row, column) of a symmetric matrix function's result: the symmetric part of the
// double product `matrix` (row-major or column-major alike: the symmetric part is the same),
// rounded to float once.
NSRG_HOST_DEVICE void narrow_symmetrized_element(const double* matrix, size_t size, size_t row,
                                                 size_t column, float* out) {
  out[row * size + column] = float(symmetrized_entry(matrix, int(size), int(row), int(column)));
}

}  // namespace nsrg
