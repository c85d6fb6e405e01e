// The loss rules of the Backend, per element and per total, written once for the CPU backend
// and the CUDA kernels: the mean squared error (content and style losses) with its gradient,
// the factor of the weighted, optionally L1-normalized gradient accumulation, and total
// variation with its gradient. Each backend sums the returned terms in its own fixed order
// (engine/core/reduction_terms.h says how); the formulas are docs/design.md's "Numerical
// contract".
#pragma once

#include <cstddef>

#include "engine/core/host_device.h"

namespace nsrg {

// ---- mean squared error: loss = weight * sum((x - target)^2) / N, grad = 2 (x - target) / N

// 2 / N in float, the factor of every gradient element (N = 0 counts as 1).
NSRG_HOST_DEVICE float mse_gradient_scale(size_t count) {
  return 2.0f / float(count > 0 ? count : 1);
}

// Writes grad[i] = gradient_scale (x[i] - target[i]) and returns (x[i] - target[i])^2 in
// double. grad may alias x.
NSRG_HOST_DEVICE double mse_element(const float* x, const float* target, float gradient_scale,
                                    float* grad, size_t i) {
  const float difference = x[i] - target[i];
  grad[i] = gradient_scale * difference;
  return double(difference) * double(difference);
}

// The loss from the sum of the squares of N elements (N = 0 counts as 1).
NSRG_HOST_DEVICE double mse_loss_value(float weight, double squares, size_t count) {
  return double(weight) * squares / double(count > 0 ? count : 1);
}

// ---- weighted gradient accumulation: accumulate += factor * grad

// normalize_gradients' epsilon: the gradient is divided by its L1 norm plus this.
constexpr double kGradientNormEpsilon = 1e-8;

// The factor: weight, or with an L1 norm (normalize_gradients) weight / (l1 + epsilon),
// computed in double and rounded once to float.
NSRG_HOST_DEVICE float weighted_gradient_factor(float weight, const double* l1_norm) {
  return l1_norm != nullptr ? float(double(weight) / (*l1_norm + kGradientNormEpsilon)) : weight;
}

// ---- total variation: loss = weight / 2 * sum over rows i < H-1, columns j < W-1 of
//      (x[i,j] - x[i,j+1])^2 + (x[i,j] - x[i+1,j])^2

// Element (row, column) of an H x W plane, `x` and `grad` pointing at it: adds weight times
// its share of the gradient (from the up to three terms that contain it: its own, the one to
// its left and the one above, in that order) to *grad and returns its own term's value
// (0 outside the top-left (H-1) x (W-1) block), in double.
NSRG_HOST_DEVICE double tv_element(const float* x, int row, int column, int height, int width,
                                   float weight, float* grad) {
  float gradient = 0.0f;
  double term = 0.0;
  if (row < height - 1 && column < width - 1) {
    const float right = x[0] - x[1];
    const float down = x[0] - x[width];
    term = double(right) * double(right) + double(down) * double(down);
    gradient += right + down;
  }
  if (row < height - 1 && column >= 1) gradient -= x[-1] - x[0];
  if (row >= 1 && column < width - 1) gradient -= x[-width] - x[0];
  *grad += weight * gradient;
  return term;
}

// The loss from the sum of the terms.
NSRG_HOST_DEVICE double tv_loss_value(float weight, double energy) {
  return 0.5 * double(weight) * energy;
}

}  // namespace nsrg
