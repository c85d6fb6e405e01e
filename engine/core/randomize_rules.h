// The element rules of Backend::randomize_gram, written once for the CPU backend and the
// CUDA kernels (engine/core/randomization.h holds the modes and their random draws): the
// entry of V' and the value of lambda' each mode uses (the rebuilt V' diag(lambda') V'^T is
// symmetrized by square_matrix_rules.h's symmetrized_entry), random_gram's symmetric entries
// and scale factor, and the mix (1 - mix) A + mix A'. All in double, rounded to float once, in
// the target.
#pragma once

#include <cstddef>

#include "engine/core/host_device.h"
#include "engine/core/randomization.h"
#include "engine/core/square_matrix_rules.h"

namespace nsrg {

// V'[row][column] from the row-major float eigenvectors V (column j = eigenvector j):
// V[row][column] * u for scale_eigenvectors, a draw for replace_eigenvectors, V[row][column]
// unchanged for scale_eigenvalues.
NSRG_HOST_DEVICE double randomized_eigenvector_entry(const GramRandomization& params,
                                                     const float* eigenvectors, int size, int row,
                                                     int column) {
  double entry = eigenvectors[size_t(row) * size_t(size) + size_t(column)];
  if (params.mode == RandomizeMode::ScaleEigenvectors)
    entry *= eigenvector_scale_draw(params, size, row, column);
  else if (params.mode == RandomizeMode::ReplaceEigenvectors)
    entry = eigenvector_replace_draw(params, size, row, column);
  return entry;
}

// lambda'[index]: eigenvalue `index` (ascending), times u for scale_eigenvalues.
NSRG_HOST_DEVICE double randomized_eigenvalue(const GramRandomization& params,
                                              const float* eigenvalues, int index) {
  double value = eigenvalues[index];
  if (params.mode == RandomizeMode::ScaleEigenvalues) value *= eigenvalue_scale_draw(params, index);
  return value;
}

// Entry (row, column) of random_gram's unscaled symmetric matrix R: the draw of
// (min, max) of the two, in [0, 1).
NSRG_HOST_DEVICE float random_gram_entry(const GramRandomization& params, int size, int row,
                                         int column) {
  return row <= column ? random_gram_draw(params, size, row, column)
                       : random_gram_draw(params, size, column, row);
}

// random_gram's scale s = sum |A| / sum R, so that mean |s R| = mean |A|; 0 when sum R is not
// positive (R of a 0 x 0 matrix, or all draws 0).
NSRG_HOST_DEVICE double random_gram_factor(double gram_abs_sum, double random_sum) {
  return random_sum > 0.0 ? gram_abs_sum / random_sum : 0.0;
}

// A target entry: float((1 - mix) A + mix A'), in double, so mix 0 gives A and mix 1 gives
// float(A') exactly.
NSRG_HOST_DEVICE float mixed_target(double mix, float gram, double randomized) {
  return float((1.0 - mix) * double(gram) + mix * randomized);
}

// random_gram's target entry: the mix of A with the scaled entry factor * R.
NSRG_HOST_DEVICE float random_gram_target(double mix, float gram, float random_entry,
                                          double factor) {
  return mixed_target(mix, gram, double(random_entry) * factor);
}

}  // namespace nsrg
