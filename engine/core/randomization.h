// Style randomization: the modes, their parameters, the random draws of each mode, and the
// host-side helper that turns a style layer's target Gram A into its randomized target.
//
// A = V diag(lambda) V^T (eigenvalues ascending, as syevd returns them; column j of V is the
// j-th eigenvector). Each mode rebuilds A' and the target is (1 - mix) A + mix A':
//   none                  target = A (bit-exact copy; mix is ignored)
//   scale_eigenvectors    V'[i][j] = V[i][j] * u[i][j], u ~ U[lo, hi);  A' = V' diag(lambda) V'^T
//   replace_eigenvectors  V'[i][j] ~ U[0, 1) or N(0, 1);                A' = V' diag(lambda) V'^T
//   random_gram           A'[i][j] = A'[j][i] = s * u[i][j] (i <= j), u ~ U[0, 1), with s chosen
//                         so that mean|A'| == mean|A|
//   scale_eigenvalues     lambda'[j] = lambda[j] * u[j], u ~ U[lo, hi);  A' = V diag(lambda') V^T
//
// Every draw comes from the Philox stream (seed, variant, layer_index, purpose) at element
// index row * C + column (index j for eigenvalue j), so the CPU and the GPU draw the same
// numbers. A' does not depend on the sign of any eigenvector: flipping column j of V flips
// column j of V' in the scale modes, and replace_eigenvectors / random_gram ignore V.
// Draws are tied to the ascending order of the eigenvalues: when two eigenvalues are nearly
// equal, two eigensolvers (LAPACK on the CPU, cuSOLVER on the GPU) may return them in
// different orders, or return a different basis of their joint eigenspace, and then the
// draws land on different eigenvectors; the targets differ only in that near-degenerate
// part (for the many near-zero eigenvalues of a rank-deficient Gram it does not matter).
#pragma once

#include <cstdint>
#include <string>

#include "engine/core/enum_names.h"
#include "engine/core/philox.h"
#include "engine/core/tensor.h"

namespace nsrg {

enum class RandomizeMode {
  None,
  ScaleEigenvectors,
  ReplaceEigenvectors,
  RandomGram,
  ScaleEigenvalues
};
enum class RandomDistribution { Uniform, Normal };

// The names of the modes and distributions (config values, summaries, file names).
inline constexpr NamedValue<RandomizeMode> kRandomizeModeNames[] = {
    {RandomizeMode::None, "none"},
    {RandomizeMode::ScaleEigenvectors, "scale_eigenvectors"},
    {RandomizeMode::ReplaceEigenvectors, "replace_eigenvectors"},
    {RandomizeMode::RandomGram, "random_gram"},
    {RandomizeMode::ScaleEigenvalues, "scale_eigenvalues"}};
inline constexpr NamedValue<RandomDistribution> kRandomDistributionNames[] = {
    {RandomDistribution::Uniform, "uniform"}, {RandomDistribution::Normal, "normal"}};

// A name of kRandomizeModeNames; UserError naming the value and the accepted ones otherwise.
RandomizeMode parse_randomize_mode(const std::string& name);
// A name of kRandomDistributionNames; UserError otherwise.
RandomDistribution parse_random_distribution(const std::string& name);
// The names parse_* accept (for summaries and messages).
const char* randomize_mode_name(RandomizeMode mode);
const char* random_distribution_name(RandomDistribution distribution);

// How a style layer's target is randomized: what [randomize] (or
// [randomize.layers.<name>]) says, what a kept style file records of each layer, and what
// the backends apply. One struct from the config to the kernels.
struct RandomizeSettings {
  RandomizeMode mode = RandomizeMode::None;
  float lo = 0.1f, hi = 1.9f;  // multiplier range of the scale modes, [lo, hi)
  RandomDistribution distribution = RandomDistribution::Uniform;  // replace_eigenvectors
  float mix = 1.0f;                                               // target = (1 - mix) A + mix A'
  bool keep_energy = false;  // A' rescaled to the trace of A before the mix
};

// The settings of one layer together with where its draws come from: the Philox stream
// (seed, variant, layer_index). Passed by value to the CUDA kernels.
struct GramRandomization : RandomizeSettings {
  uint64_t seed = 0;
  uint32_t variant = 0;
  uint32_t layer_index = 0;
};

// `settings` drawn from the stream of (seed, variant, layer_index).
inline GramRandomization gram_randomization(const RandomizeSettings& settings, uint64_t seed,
                                            uint32_t variant, uint32_t layer_index) {
  GramRandomization params;
  static_cast<RandomizeSettings&>(params) = settings;
  params.seed = seed;
  params.variant = variant;
  params.layer_index = layer_index;
  return params;
}

// ---- the random draws (host and device) ----------------------------------------------------

NSRG_HOST_DEVICE RandomStream randomization_stream(const GramRandomization& params,
                                                   RandomPurpose purpose) {
  RandomStream stream;
  stream.seed = params.seed;
  stream.variant = params.variant;
  stream.layer = params.layer_index;
  stream.purpose = purpose;
  return stream;
}

// Multiplier u[row][column] of scale_eigenvectors, in [lo, hi).
NSRG_HOST_DEVICE float eigenvector_scale_draw(const GramRandomization& params, int channels,
                                              int row, int column) {
  return randomization_stream(params, RandomPurpose::EigenvectorScale)
      .uniform(uint64_t(row) * uint64_t(channels) + uint64_t(column), params.lo, params.hi);
}

// Entry V'[row][column] of replace_eigenvectors: U[0, 1) or N(0, 1) per params.distribution.
NSRG_HOST_DEVICE float eigenvector_replace_draw(const GramRandomization& params, int channels,
                                                int row, int column) {
  const RandomStream stream = randomization_stream(params, RandomPurpose::EigenvectorReplace);
  const uint64_t element = uint64_t(row) * uint64_t(channels) + uint64_t(column);
  return params.distribution == RandomDistribution::Normal ? stream.normal(element)
                                                           : stream.uniform(element);
}

// Unscaled entry R[row][column] (row <= column) of random_gram, in [0, 1).
NSRG_HOST_DEVICE float random_gram_draw(const GramRandomization& params, int channels, int row,
                                        int column) {
  return randomization_stream(params, RandomPurpose::RandomGram)
      .uniform(uint64_t(row) * uint64_t(channels) + uint64_t(column));
}

// Multiplier u[index] of eigenvalue `index` (ascending order) in scale_eigenvalues, [lo, hi).
NSRG_HOST_DEVICE float eigenvalue_scale_draw(const GramRandomization& params, int index) {
  return randomization_stream(params, RandomPurpose::EigenvalueScale)
      .uniform(uint64_t(index), params.lo, params.hi);
}

// ---- host-side helper ----------------------------------------------------------------------

class Backend;

// A Gram's eigendecomposition as Backend::symmetric_eigen makes it: eigenvalues [1,1,1,C]
// ascending, eigenvectors [1,1,C,C].
struct GramEigen {
  Tensor values, vectors;
};

// Whether randomize_gram reads the eigendecomposition in `mode` (all but none and
// random_gram).
bool mode_uses_eigen(RandomizeMode mode);

// The eigendecomposition of the symmetric Gram `gram` ([1,1,C,C]) on `backend`.
GramEigen decompose_gram(Backend& backend, const Tensor& gram);

// target ([1,1,C,C], overwritten) = the randomized target of the symmetric Gram `gram`
// ([1,1,C,C]) per `params`: eigendecomposes on `backend` when the mode needs it
// (mode_uses_eigen) unless `eigen` is given (then it must be decompose_gram(gram)'s, made
// earlier), then calls Backend::randomize_gram.
void randomize_target(Backend& backend, const Tensor& gram, const GramRandomization& params,
                      Tensor& target, const GramEigen* eigen = nullptr);

}  // namespace nsrg
