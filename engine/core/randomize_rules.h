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

// randomize.keep_energy: the factor that gives A' the trace of A (the "energy" of the style
// layer, sum of its eigenvalues), so a randomized style keeps the contrast of the one it came
// from. 1 when A' has no positive trace (nothing to rescale to).
NSRG_HOST_DEVICE double energy_factor(double gram_trace, double randomized_trace) {
  return randomized_trace > 0.0 ? gram_trace / randomized_trace : 1.0;
}

// A trace, summed in double over the diagonal in index order: one fixed order on both
// backends, so keep_energy's factor is the same number on both.
template <class T>
NSRG_HOST_DEVICE double trace_of(const T* matrix, int size) {
  double trace = 0.0;
  for (int i = 0; i < size; ++i) trace += double(matrix[size_t(i) * size_t(size) + size_t(i)]);
  return trace;
}

// The factor of the rebuilt A' of the eigen modes: energy_factor with keep_energy, else 1.
NSRG_HOST_DEVICE double rebuilt_factor(const GramRandomization& params, const float* gram,
                                       const double* rebuilt, int size) {
  return params.keep_energy ? energy_factor(trace_of(gram, size), trace_of(rebuilt, size)) : 1.0;
}

// A target entry: float((1 - mix) A + mix A'), in double, so mix 0 gives A and mix 1 gives
// float(A') exactly.
NSRG_HOST_DEVICE float mixed_target(double mix, float gram, double randomized) {
  return float((1.0 - mix) * double(gram) + mix * randomized);
}

// random_gram's trace of R: its draws on the diagonal summed in double in index order.
NSRG_HOST_DEVICE double random_gram_trace(const GramRandomization& params, int size) {
  double trace = 0.0;
  for (int i = 0; i < size; ++i) trace += double(random_gram_entry(params, size, i, i));
  return trace;
}

// random_gram's scale of R: the trace of A over that of R with keep_energy (A' gets A's
// trace), else random_gram_factor of the two sums (A' gets A's mean magnitude). `first` and
// `second` are trace(A) and trace(R), or sum |A| and sum R.
NSRG_HOST_DEVICE double random_gram_scale(const GramRandomization& params, double first,
                                          double second) {
  return params.keep_energy ? energy_factor(first, second) : random_gram_factor(first, second);
}

// random_gram's target entry: the mix of A with the scaled entry factor * R.
NSRG_HOST_DEVICE float random_gram_target(double mix, float gram, float random_entry,
                                          double factor) {
  return mixed_target(mix, gram, double(random_entry) * factor);
}

}  // namespace nsrg
