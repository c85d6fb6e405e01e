// Blending Gram matrices (style.blend_space): the weighted mean of several style layers'
// Grams in one of three geometries, computed through the Backend (symmetric_eigen,
// symmetric_function, symmetric_sandwich and the vector ops), so a GPU runs it with syevd.
//
//   linear         sum_i w_i G_i (neural-style's blend of several style images)
//   log_euclidean  exp(sum_i w_i log(G_i + eps I)) - eps I
//   wasserstein    the Bures-Wasserstein barycenter of the G_i + eps I taken as covariances,
//                  minus eps I: for two Grams the closed-form geodesic at t = w_1,
//                  ((1-t) I + t T) A ((1-t) I + t T) with A = G_0 + eps I, B = G_1 + eps I and
//                  T = A^-1/2 (A^1/2 B A^1/2)^1/2 A^-1/2; for more the fixed-point iteration
//                  S <- S^-1/2 (sum_i w_i (S^1/2 A_i S^1/2)^1/2)^2 S^-1/2 from the linear mean.
//
// Gram matrices of ReLU features are often singular (fewer pixels than channels, dead
// channels), and the log and the inverse square root are not defined there: the blend adds
// eps I with eps = kBlendShift times the largest eigenvalue among the Grams blended, and
// takes it off the result, so the two ends of a path are the Grams themselves.
#pragma once

#include <cstddef>
#include <vector>

#include "engine/core/enum_names.h"
#include "engine/core/tensor.h"

namespace nsrg {

class Backend;

enum class BlendSpace { Linear, LogEuclidean, Wasserstein };
inline constexpr NamedValue<BlendSpace> kBlendSpaceNames[] = {
    {BlendSpace::Linear, "linear"},
    {BlendSpace::LogEuclidean, "log_euclidean"},
    {BlendSpace::Wasserstein, "wasserstein"}};

// eps = kBlendShift * the largest eigenvalue among the Grams. The matrices between the steps
// are float Tensors, so the inverse square root amplifies their rounding (float32's epsilon,
// about 6e-8 of the largest eigenvalue) by up to the condition number 1 / kBlendShift: with
// 1e-3 that stays near 6e-5, below the fixed-point tolerance. (With 1e-5 the barycenter of
// three relu5_1 Grams of rank 8 of 512 still changed by 3-10% per iteration after 50.)
constexpr double kBlendShift = 1e-3;
// The Wasserstein fixed-point iteration stops when an iteration changes S by less than this
// (relative Frobenius norm, ||S' - S|| / ||S||), or after kBarycenterMaxIterations. Between
// the steps S is a float matrix; on near-singular Grams (condition up to 1 / kBlendShift) the
// inverse square root turns its rounding into changes of about 3e-5 per iteration, so 1e-4 is
// the tolerance the iteration reliably reaches.
constexpr double kBarycenterTolerance = 1e-4;
constexpr int kBarycenterMaxIterations = 50;

// How a blend went: the fixed-point iterations run (0 for a closed form) and the last change.
struct BlendReport {
  int iterations = 0;
  double last_change = 0.0;
  bool converged = true;  // false when the iteration stopped at kBarycenterMaxIterations
};

// out ([1,1,C,C], overwritten; not one of `grams`) = the blend of `grams` (each [1,1,C,C],
// symmetric positive semi-definite) with `weights` (>= 0, summing to 1, one per Gram) in
// `space`. One Gram with all the weight (the ends of a path) is copied exactly; the linear
// blend is sum_i w_i G_i accumulated in order from zero, in float, as capture_grams does.
BlendReport blend_grams(Backend& backend, const std::vector<const Tensor*>& grams,
                        const std::vector<float>& weights, BlendSpace space, Tensor& out);

// The most Tensor memory (bytes) blend_grams holds besides its inputs and `out` for Grams of
// `channels` channels with these weights: the identity, the shifted Grams and the iteration's
// matrices (the memory plan replays it).
size_t blend_scratch_bytes(BlendSpace space, const std::vector<float>& weights, int channels);

}  // namespace nsrg
