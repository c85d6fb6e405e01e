// Kernels of the functions of symmetric matrices (Backend::symmetric_function and
// symmetric_sandwich): f of each eigenvalue times its eigenvector column, the widening of a
// float matrix to double, and the symmetric part of a double product rounded to float.
// Host-callable launchers.
#pragma once

#include <cuda_runtime.h>

#include "engine/core/matrix_function_rules.h"

namespace nsrg::kernels {

// scaled = V f(Lambda), both column-major size x size doubles (column j = eigenvector j),
// values ascending (engine/core/matrix_function_rules.h's function_scaled_element).
void launch_function_scaled(MatrixFunction function, const double* vectors, const double* values,
                            int size, double* scaled, cudaStream_t stream);

// out[k] = double(in[k]) for the `count` elements.
void launch_widen(const float* in, double* out, size_t count, cudaStream_t stream);

// out (row-major float) = the symmetric part of the size x size double `product`.
void launch_narrow_symmetrized(const double* product, int size, float* out, cudaStream_t stream);

}  // namespace nsrg::kernels
