// relative_frobenius_distance and frobenius_norms on the CPU backend against a naive float64
// loop over the entries: ||A - B||_F / max(||A||_F, ||B||_F) of real-looking ReLU Grams, its
// symmetry, its scale invariance, 0 for equal matrices and for two zero matrices, and the
// bound 2 (reached by B = -A).
#include "engine/core/gram_distance.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "tests/blend/blend_test_support.h"

namespace nsrg::test {
namespace {

constexpr int kChannels = 48;

double naive_norm(const std::vector<float>& a) {
  double sum = 0.0;
  for (float x : a) sum += double(x) * double(x);
  return std::sqrt(sum);
}

double naive_distance(const std::vector<float>& a, const std::vector<float>& b) {
  double sum = 0.0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = double(a[i]) - double(b[i]);
    sum += d * d;
  }
  const double larger = std::max(naive_norm(a), naive_norm(b));
  return larger > 0.0 ? std::sqrt(sum) / larger : 0.0;
}

double distance(Backend& backend, const std::vector<float>& a, const std::vector<float>& b) {
  return relative_frobenius_distance(backend, upload(backend, a), upload(backend, b));
}

TEST(GramDistance, MatchesANaiveFloat64LoopOnReluGrams) {
  const auto backend = make_test_backend();
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    const std::vector<float> a = random_relu_gram(kChannels, 40, seed);
    const std::vector<float> b = random_relu_gram(kChannels, 40, seed + 10);
    const double expected = naive_distance(a, b);
    EXPECT_GT(expected, 0.01);
    // The difference is rounded to float before it is squared: a relative error near 1e-7.
    EXPECT_NEAR(distance(*backend, a, b), expected, 1e-6 * expected) << seed;
    EXPECT_EQ(distance(*backend, a, b), distance(*backend, b, a)) << seed;
  }
}

TEST(GramDistance, NormsMatchTheNaiveLoopAndScratchHoldsTheDifference) {
  const auto backend = make_test_backend();
  const std::vector<float> a = random_relu_gram(kChannels, 30, 5);
  const std::vector<float> b = random_relu_gram(kChannels, 30, 6);
  const Tensor x = upload(*backend, a), y = upload(*backend, b);
  Tensor scratch = backend->empty(x.shape());
  const FrobeniusNorms norms = frobenius_norms(*backend, x, y, scratch);
  std::vector<float> difference(a.size());
  for (size_t i = 0; i < a.size(); ++i) difference[i] = a[i] - b[i];
  EXPECT_EQ(backend->to_host(scratch), difference);
  // The squared norms are summed in double and stored as float scalars: 6e-8 relative.
  EXPECT_NEAR(norms.first, naive_norm(a), 1e-7 * naive_norm(a));
  EXPECT_NEAR(norms.second, naive_norm(b), 1e-7 * naive_norm(b));
  EXPECT_NEAR(norms.difference, naive_norm(difference), 1e-7 * naive_norm(difference));
}

TEST(GramDistance, IsZeroForEqualOrZeroMatricesScaleInvariantAndAtMostTwo) {
  const auto backend = make_test_backend();
  const std::vector<float> a = random_relu_gram(kChannels, 40, 7);
  const std::vector<float> b = random_relu_gram(kChannels, 40, 8);
  EXPECT_EQ(distance(*backend, a, a), 0.0);
  const std::vector<float> zeros(a.size(), 0.0f);
  EXPECT_EQ(distance(*backend, zeros, zeros), 0.0);
  EXPECT_NEAR(distance(*backend, a, zeros), 1.0, 1e-12);
  // Scaling both by a power of two scales every float exactly.
  std::vector<float> a4 = a, b4 = b, minus_a = a;
  for (float& x : a4) x *= 4.0f;
  for (float& x : b4) x *= 4.0f;
  for (float& x : minus_a) x = -x;
  EXPECT_NEAR(distance(*backend, a4, b4), distance(*backend, a, b), 1e-12);
  EXPECT_NEAR(distance(*backend, a, minus_a), 2.0, 1e-12);
}

}  // namespace
}  // namespace nsrg::test
