// blend_grams: the linear, log-Euclidean and Bures-Wasserstein means of Gram matrices, as
// sequences of Backend ops (see gram_blend.h for the formulas).
#include "engine/core/gram_blend.h"

#include <algorithm>
#include <cmath>

#include "engine/core/backend.h"
#include "engine/core/error.h"
#include "engine/core/gram_distance.h"

namespace nsrg {
namespace {

// The operands of one blend: the shifted Grams A_i = G_i + eps I, the identity and scratch.
class BlendOperands {
 public:
  BlendOperands(Backend& backend, const Shape& shape) : backend_(backend), shape_(shape) {
    std::vector<float> identity(shape.numel(), 0.0f);
    for (int i = 0; i < shape.w; ++i) identity[size_t(i) * size_t(shape.w) + size_t(i)] = 1.0f;
    identity_ = backend.from_host(shape, identity.data());
  }

  Tensor make() { return backend_.empty(shape_); }
  const Tensor& identity() const { return identity_; }

  // eps = kBlendShift * the largest eigenvalue among `grams` (0 when none is positive).
  double shift_of(const std::vector<const Tensor*>& grams) {
    Tensor values = backend_.empty(Shape{1, 1, 1, shape_.w});
    Tensor vectors = make();
    double largest = 0.0;
    for (const Tensor* gram : grams) {
      backend_.symmetric_eigen(*gram, values, vectors);
      largest = std::max(largest, double(backend_.read_scalar(values, shape_.w - 1)));
    }
    return kBlendShift * largest;
  }

  // out = gram + shift I.
  void shifted(const Tensor& gram, float shift, Tensor& out) {
    backend_.copy(gram, out);
    backend_.axpy(shift, identity_, out);
  }

 private:
  Backend& backend_;
  Shape shape_;
  Tensor identity_;
};

void linear_blend(Backend& backend, const std::vector<const Tensor*>& grams,
                  const std::vector<float>& weights, Tensor& out) {
  backend.fill(out, 0.0f);
  for (size_t i = 0; i < grams.size(); ++i) backend.axpy(weights[i], *grams[i], out);
}

void log_euclidean_blend(Backend& backend, BlendOperands& operands,
                         const std::vector<const Tensor*>& grams, const std::vector<float>& weights,
                         float shift, Tensor& out) {
  Tensor logarithm = operands.make();
  backend.fill(out, 0.0f);
  for (size_t i = 0; i < grams.size(); ++i) {
    operands.shifted(*grams[i], shift, logarithm);
    backend.symmetric_function(logarithm, MatrixFunction::Log, logarithm);
    backend.axpy(weights[i], logarithm, out);
  }
  backend.symmetric_function(out, MatrixFunction::Exp, out);
  backend.axpy(-shift, operands.identity(), out);
}

// The geodesic from A = G_0 + eps I to B = G_1 + eps I at t = weights[1].
void wasserstein_geodesic(Backend& backend, BlendOperands& operands,
                          const std::vector<const Tensor*>& grams,
                          const std::vector<float>& weights, float shift, Tensor& out) {
  const float t = weights[1];
  Tensor a = operands.make(), b = operands.make();
  operands.shifted(*grams[0], shift, a);
  operands.shifted(*grams[1], shift, b);
  Tensor root = operands.make(), inverse_root = operands.make(), work = operands.make();
  backend.symmetric_function(a, MatrixFunction::Sqrt, root);
  backend.symmetric_function(a, MatrixFunction::InverseSqrt, inverse_root);
  backend.symmetric_sandwich(root, b, work);                     // A^1/2 B A^1/2
  backend.symmetric_function(work, MatrixFunction::Sqrt, work);  // its square root
  backend.symmetric_sandwich(inverse_root, work, work);          // T
  Tensor& step = root;                                           // (1 - t) I + t T
  backend.copy(operands.identity(), step);
  backend.scale(1.0f - t, step);
  backend.axpy(t, work, step);
  backend.symmetric_sandwich(step, a, out);
  backend.axpy(-shift, operands.identity(), out);
}

// ||x - y||_F / ||y||_F on the backend (read back: once per iteration, at setup).
double relative_change(Backend& backend, const Tensor& x, const Tensor& y, Tensor& scratch) {
  const FrobeniusNorms norms = frobenius_norms(backend, x, y, scratch);
  return norms.second > 0.0 ? norms.difference / norms.second : norms.difference;
}

BlendReport wasserstein_barycenter(Backend& backend, BlendOperands& operands,
                                   const std::vector<const Tensor*>& grams,
                                   const std::vector<float>& weights, float shift, Tensor& out) {
  std::vector<Tensor> shifted;
  for (const Tensor* gram : grams) {
    shifted.push_back(operands.make());
    operands.shifted(*gram, shift, shifted.back());
  }
  Tensor mean = operands.make();  // S, starting from the linear mean of the A_i
  backend.fill(mean, 0.0f);
  for (size_t i = 0; i < shifted.size(); ++i) backend.axpy(weights[i], shifted[i], mean);
  Tensor root = operands.make(), inverse_root = operands.make(), term = operands.make();
  Tensor sum = operands.make(), next = operands.make();
  BlendReport report;
  report.converged = false;
  while (report.iterations < kBarycenterMaxIterations) {
    backend.symmetric_function(mean, MatrixFunction::Sqrt, root);
    backend.symmetric_function(mean, MatrixFunction::InverseSqrt, inverse_root);
    backend.fill(sum, 0.0f);
    for (size_t i = 0; i < shifted.size(); ++i) {
      if (weights[i] == 0.0f) continue;
      backend.symmetric_sandwich(root, shifted[i], term);  // S^1/2 A_i S^1/2
      backend.symmetric_function(term, MatrixFunction::Sqrt, term);
      backend.axpy(weights[i], term, sum);
    }
    backend.symmetric_sandwich(sum, operands.identity(), term);  // the sum squared
    backend.symmetric_sandwich(inverse_root, term, next);
    ++report.iterations;
    report.last_change = relative_change(backend, next, mean, term);
    std::swap(mean, next);
    if (report.last_change < kBarycenterTolerance) {
      report.converged = true;
      break;
    }
  }
  backend.copy(mean, out);
  backend.axpy(-shift, operands.identity(), out);
  return report;
}

// The index of the one weight that is 1 (the others 0): an end of a path; else -1.
int path_end(const std::vector<float>& weights) {
  for (size_t i = 0; i < weights.size(); ++i)
    if (weights[i] == 1.0f) return int(i);
  return -1;
}

}  // namespace

BlendReport blend_grams(Backend& backend, const std::vector<const Tensor*>& grams,
                        const std::vector<float>& weights, BlendSpace space, Tensor& out) {
  NSRG_CHECK(!grams.empty() && grams.size() == weights.size(), "blend_grams: ", grams.size(),
             " Grams and ", weights.size(), " weights");
  for (const Tensor* gram : grams) {
    NSRG_CHECK(gram->shape() == out.shape() && gram->data() != out.data(), "blend_grams: Gram ",
               gram->shape().str(), " for out ", out.shape().str(),
               " (out must be another tensor)");
  }
  size_t nonzero = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    NSRG_CHECK(weights[i] >= 0.0f && std::isfinite(weights[i]), "blend_grams: weight ", i, " is ",
               weights[i]);
    nonzero += weights[i] > 0.0f;
  }
  NSRG_CHECK(nonzero > 0, "blend_grams: every weight is 0");
  BlendReport report;
  if (const int end = path_end(weights); end >= 0) {  // an end of a path: the Gram itself
    backend.copy(*grams[size_t(end)], out);
    return report;
  }
  if (space == BlendSpace::Linear) {
    linear_blend(backend, grams, weights, out);
    return report;
  }
  BlendOperands operands(backend, out.shape());
  const float shift = float(operands.shift_of(grams));
  if (!(shift > 0.0f)) {  // no Gram has a positive eigenvalue: they are all 0
    linear_blend(backend, grams, weights, out);
    return report;
  }
  if (space == BlendSpace::LogEuclidean)
    log_euclidean_blend(backend, operands, grams, weights, shift, out);
  else if (grams.size() == 2)
    wasserstein_geodesic(backend, operands, grams, weights, shift, out);
  else
    report = wasserstein_barycenter(backend, operands, grams, weights, shift, out);
  return report;
}

size_t blend_scratch_bytes(BlendSpace space, const std::vector<float>& weights, int channels) {
  if (space == BlendSpace::Linear || path_end(weights) >= 0) return 0;
  const size_t gram = size_t(channels) * size_t(channels) * sizeof(float);
  // The identity, and while the shift is found one eigendecomposition (vectors and values).
  const size_t shift = 2 * gram + size_t(channels) * sizeof(float);
  if (space == BlendSpace::LogEuclidean) return std::max(shift, 2 * gram);  // + the logarithm
  if (weights.size() == 2) return 6 * gram;  // + A, B, the two roots and the work matrix
  // + the shifted Grams, S, its two roots, the term, the sum, the next S and, while the change
  // is measured, three scalars (frobenius_norms').
  return (weights.size() + 7) * gram + 3 * sizeof(float);
}

}  // namespace nsrg
