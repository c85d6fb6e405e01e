// Frobenius norms and the relative distance of two matrices as Backend ops.
#include "engine/core/gram_distance.h"

#include <algorithm>
#include <cmath>

#include "engine/core/backend.h"
#include "engine/core/error.h"

namespace nsrg {

FrobeniusNorms frobenius_norms(Backend& backend, const Tensor& x, const Tensor& y,
                               Tensor& scratch) {
  NSRG_CHECK(x.numel() == y.numel() && x.numel() == scratch.numel(), "frobenius_norms ",
             x.shape().str(), ", ", y.shape().str(), " with scratch ", scratch.shape().str());
  Tensor scalars = backend.empty(Shape{1, 1, 1, 3});
  backend.copy(x, scratch);
  backend.axpy(-1.0f, y, scratch);
  backend.dot(scratch, scratch, ScalarSlot{&scalars, 0});
  backend.dot(x, x, ScalarSlot{&scalars, 1});
  backend.dot(y, y, ScalarSlot{&scalars, 2});
  FrobeniusNorms norms;
  norms.difference = std::sqrt(double(backend.read_scalar(scalars, 0)));
  norms.first = std::sqrt(double(backend.read_scalar(scalars, 1)));
  norms.second = std::sqrt(double(backend.read_scalar(scalars, 2)));
  return norms;
}

double relative_frobenius_distance(Backend& backend, const Tensor& x, const Tensor& y) {
  Tensor scratch = backend.empty(x.shape());
  const FrobeniusNorms norms = frobenius_norms(backend, x, y, scratch);
  const double larger = std::max(norms.first, norms.second);
  return larger > 0.0 ? norms.difference / larger : 0.0;
}

}  // namespace nsrg
