// Style-randomization kernels: the float/double conversions around cuSOLVER's syevd, the
// Philox random multipliers of each mode (drawn on the device with the same streams and
// element indices as the CPU, see engine/core/randomization.h), and the final mix.
// Host-callable launchers.
#pragma once

#include <cuda_runtime.h>

#include "engine/core/randomization.h"
#include "kernels/reduction.cuh"

namespace nsrg::kernels {

// The column-major double copy of the row-major float size x size matrix `in` (the same
// matrix: out[i + j*size] = double(in[i*size + j]), so a solver reading the column-major upper
// triangle reads in's row-major upper one); sets *nonfinite_flag to 1 when an entry is not
// finite (the flag is left alone otherwise).
void launch_widen_matrix(const float* in, double* out, int size, int* nonfinite_flag,
                         cudaStream_t stream);
// Row-major float eigenvectors from syevd's column-major double ones (column j of the
// column-major matrix is eigenvector j): out[i*size + j] = in[i + j*size]; values to float.
void launch_narrow_eigen(const double* vectors_column_major, const double* values, int size,
                         float* vectors, float* out_values, cudaStream_t stream);

// The randomized eigendecomposition of scale_eigenvectors, replace_eigenvectors or
// scale_eigenvalues: vectors (row-major double) = V', scaled (row-major double) =
// V' diag(lambda'), from float eigenvalues and row-major eigenvectors.
void launch_randomize_eigen(const GramRandomization& params, const float* eigenvalues,
                            const float* eigenvectors, int size, double* vectors, double* scaled,
                            cudaStream_t stream);

// target = float((1 - mix) gram + mix (rebuilt + rebuilt^T) / 2), rebuilt row-major double.
void launch_mix_rebuilt(const float* gram, const double* rebuilt, int size, double mix,
                        float* target, cudaStream_t stream);

// random_gram: totals[0] = sum |gram|, totals[1] = sum of the symmetric random matrix,
// then target = float((1 - mix) gram + mix * random * (totals[0] / totals[1])) (0 when the
// random total is not positive). totals: two doubles of device scratch.
void launch_random_gram(const GramRandomization& params, const float* gram, int size,
                        const ReduceScratch& scratch, double* totals, float* target,
                        cudaStream_t stream);

}  // namespace nsrg::kernels
