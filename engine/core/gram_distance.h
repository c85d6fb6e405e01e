// Frobenius distances between Gram matrices, computed through the Backend (copy, axpy and
// dot, whose sums the CPU accumulates in double): the norms one comparison needs, and the
// symmetric relative distance randomize.min_distance compares variants by,
//   d(A, B) = ||A - B||_F / max(||A||_F, ||B||_F)   (0 when both are zero),
// which lies in [0, 2] and does not change when both matrices are scaled by one factor.
#pragma once

#include "engine/core/tensor.h"

namespace nsrg {

class Backend;

// ||x - y||_F, ||x||_F and ||y||_F.
struct FrobeniusNorms {
  double difference = 0.0;
  double first = 0.0;
  double second = 0.0;
};

// The three norms of x and y (same element count); `scratch` (same element count) is
// overwritten with x - y. Reads three scalars back (waits for the device).
FrobeniusNorms frobenius_norms(Backend& backend, const Tensor& x, const Tensor& y, Tensor& scratch);

// d(x, y) above; allocates its own scratch.
double relative_frobenius_distance(Backend& backend, const Tensor& x, const Tensor& y);

}  // namespace nsrg
