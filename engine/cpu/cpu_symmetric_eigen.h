// The CPU backend's symmetric eigendecomposition in double (LAPACKE dsyevd on the column-major
// double copy of a row-major float matrix, reading its upper triangle), shared by
// symmetric_eigen (cpu_randomize_ops.cpp) and symmetric_function (cpu_matrix_function_ops.cpp).
#pragma once

#include <vector>

#include "engine/core/tensor.h"

namespace nsrg {

struct DoubleEigen {
  std::vector<double> values;   // ascending
  std::vector<double> vectors;  // column-major: column j is eigenvector j
};

// Eigendecomposes the [1,1,C,C] `matrix`; InternalError naming `op` when an entry is not
// finite or the solver fails.
DoubleEigen decompose_symmetric(const Tensor& matrix, int channels, const char* op);

}  // namespace nsrg
