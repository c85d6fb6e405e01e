// Functions of symmetric matrices through their eigendecomposition, f(M) = V f(Lambda) V^T
// (Backend::symmetric_function; the style blends of engine/core/gram_blend.h): the functions,
// the eigenvalue floor, and the element rule that scales eigenvector columns by f of their
// eigenvalue, written once for the CPU backend and the CUDA kernels. The product with V^T is
// a library GEMM on each backend, and its symmetric part is rounded to float by
// square_matrix_rules.h's narrow_symmetrized_element.
#pragma once

#include <cmath>
#include <cstddef>

#include "engine/core/enum_names.h"
#include "engine/core/host_device.h"

namespace nsrg {

enum class MatrixFunction {
  Sqrt,         // M^(1/2)
  InverseSqrt,  // M^(-1/2)
  Log,          // the matrix logarithm
  Exp,          // the matrix exponential
};
inline constexpr NamedValue<MatrixFunction> kMatrixFunctionNames[] = {
    {MatrixFunction::Sqrt, "sqrt"},
    {MatrixFunction::InverseSqrt, "inverse_sqrt"},
    {MatrixFunction::Log, "log"},
    {MatrixFunction::Exp, "exp"}};

// The eigenvalue floor of the functions of positive semi-definite matrices, relative to the
// matrix's largest eigenvalue: float32's epsilon (2^-23), the resolution a float matrix has
// of its eigenvalues. Sqrt raises eigenvalues below 0 (rounding of a PSD matrix) to 0;
// InverseSqrt and Log raise eigenvalues below kEigenvalueFloor * largest to that, so they
// stay finite on a singular matrix. Exp takes every eigenvalue as it is.
constexpr double kEigenvalueFloor = 1.1920928955078125e-07;

// Whether `function` needs a positive largest eigenvalue (its floor is relative to it).
NSRG_HOST_DEVICE bool needs_positive_definite(MatrixFunction function) {
  return function == MatrixFunction::InverseSqrt || function == MatrixFunction::Log;
}

// f(eigenvalue) for a matrix whose largest eigenvalue is `largest`, with the floor above.
NSRG_HOST_DEVICE double matrix_function_value(MatrixFunction function, double eigenvalue,
                                              double largest) {
  const double floor = kEigenvalueFloor * largest;
  const double floored = eigenvalue > floor ? eigenvalue : floor;
  switch (function) {
    case MatrixFunction::Sqrt:
      return eigenvalue > 0.0 ? sqrt(eigenvalue) : 0.0;
    case MatrixFunction::InverseSqrt:
      return 1.0 / sqrt(floored);
    case MatrixFunction::Log:
      return log(floored);
    case MatrixFunction::Exp:
      return exp(eigenvalue);
  }
  return 0.0;
}

// Entry (row, column) of V f(Lambda), column-major like the eigensolver's V (column j =
// eigenvector j, eigenvalues ascending so the largest is the last): V's entry times f of
// eigenvalue `column`.
NSRG_HOST_DEVICE void function_scaled_element(MatrixFunction function, const double* vectors,
                                              const double* values, size_t size, size_t row,
                                              size_t column, double* scaled) {
  const size_t k = row + column * size;
  scaled[k] = vectors[k] * matrix_function_value(function, values[column], values[size - 1]);
}

}  // namespace nsrg
