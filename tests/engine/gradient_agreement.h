// One evaluation of an objective (its total loss and image gradient) and how closely two
// evaluations agree: the relative loss error, the relative L2 gradient error and the
// gradients' cosine. Shared by the bf16 precision tests (tests/engine, tests/cuda).
#pragma once

#include <cmath>
#include <vector>

namespace nsrg::testing {

struct Evaluation {
  double total = 0;
  std::vector<float> gradient;
};

struct Agreement {
  double loss = 0, gradient = 0, cosine = 0;  // relative loss and L2 gradient errors, cosine
};

inline Agreement compare(const Evaluation& a, const Evaluation& reference) {
  double difference = 0, norm = 0, norm_a = 0, dot = 0;
  for (size_t i = 0; i < a.gradient.size(); ++i) {
    const double x = a.gradient[i], y = reference.gradient[i];
    difference += (x - y) * (x - y);
    norm += y * y;
    norm_a += x * x;
    dot += x * y;
  }
  return {std::fabs(a.total - reference.total) / reference.total, std::sqrt(difference / norm),
          dot / std::sqrt(norm * norm_a)};
}

}  // namespace nsrg::testing
