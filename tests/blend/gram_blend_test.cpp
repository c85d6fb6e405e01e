// blend_grams on the CPU backend against float64 closed forms written here: two (or three)
// commuting Grams Q diag(a) Q^T, Q diag(b) Q^T have closed-form means in every space
//   linear         (1-t) a + t b
//   log_euclidean  exp((1-t) log(a+eps) + t log(b+eps)) - eps
//   wasserstein    ((1-t) sqrt(a+eps) + t sqrt(b+eps))^2 - eps   (sum_i w_i sqrt(.))^2 for more
// with eps = kBlendShift * the largest eigenvalue. t = 0 and t = 1 give the ends exactly;
// near-singular Grams of ReLU features (fewer pixels than channels) blend to finite,
// symmetric, positive semi-definite matrices; the fixed-point iteration agrees with the
// closed-form geodesic where both apply.
#include "engine/core/gram_blend.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/core/error.h"
#include "tests/blend/blend_test_support.h"

namespace nsrg::test {
namespace {

constexpr int kChannels = 24;

std::vector<float> blend(Backend& backend, const std::vector<std::vector<float>>& grams,
                         const std::vector<float>& weights, BlendSpace space,
                         BlendReport* report = nullptr) {
  std::vector<Tensor> tensors;
  std::vector<const Tensor*> pointers;
  for (const std::vector<float>& gram : grams) tensors.push_back(upload(backend, gram));
  for (const Tensor& tensor : tensors) pointers.push_back(&tensor);
  Tensor out = backend.empty(tensors.front().shape());
  const BlendReport result = blend_grams(backend, pointers, weights, space, out);
  if (report != nullptr) *report = result;
  return backend.to_host(out);
}

// Eigenvalues spread over four orders of magnitude, in another order for each `phase`, so the
// two Grams are far apart but commute.
std::vector<double> commuting_values(int phase) {
  std::vector<double> values(static_cast<size_t>(kChannels));
  for (int k = 0; k < kChannels; ++k)
    values[size_t(k)] =
        1e-3 * std::pow(1e4, double((k * (phase + 1) + 3 * phase) % kChannels) / (kChannels - 1));
  return values;
}

double largest_of(const std::vector<std::vector<double>>& all) {
  double largest = 0.0;
  for (const auto& values : all)
    for (double v : values) largest = std::max(largest, v);
  return largest;
}

// The closed-form mean of commuting matrices: f^-1(sum_i w_i f(values_i)) per eigenvalue.
std::vector<double> closed_form(const std::vector<std::vector<double>>& values,
                                const std::vector<double>& weights, BlendSpace space) {
  const double eps = kBlendShift * largest_of(values);
  std::vector<double> out(values.front().size());
  for (size_t k = 0; k < out.size(); ++k) {
    double sum = 0.0;
    for (size_t i = 0; i < values.size(); ++i) {
      const double x = values[i][k];
      sum += weights[i] * (space == BlendSpace::Linear         ? x
                           : space == BlendSpace::LogEuclidean ? std::log(x + eps)
                                                               : std::sqrt(x + eps));
    }
    out[k] = space == BlendSpace::Linear         ? sum
             : space == BlendSpace::LogEuclidean ? std::exp(sum) - eps
                                                 : sum * sum - eps;
  }
  return out;
}

const BlendSpace kSpaces[] = {BlendSpace::Linear, BlendSpace::LogEuclidean,
                              BlendSpace::Wasserstein};

TEST(GramBlend, CommutingPairsMatchTheClosedFormAlongThePath) {
  auto backend = make_test_backend();
  const HostMatrix q = random_orthogonal(kChannels, 5);
  const std::vector<double> a = commuting_values(0), b = commuting_values(1);
  const std::vector<float> ga = to_float(spectral(q, a)), gb = to_float(spectral(q, b));
  for (BlendSpace space : kSpaces)
    for (double t : {0.001, 0.25, 0.5, 0.9}) {
      const std::vector<float> got = blend(*backend, {ga, gb}, {float(1 - t), float(t)}, space);
      const std::vector<double> want_values =
          closed_form({a, b}, {double(float(1 - t)), double(float(t))}, space);
      EXPECT_LT(relative_frobenius(got, spectral(q, want_values)), 2e-5)
          << name_in(kBlendSpaceNames, space) << " t=" << t;
      expect_exactly_symmetric(got);
    }
}

TEST(GramBlend, TheMidpointsOfTheThreeSpacesDiffer) {
  // Geometric and square-root means of far-apart spectra are well below the arithmetic one.
  const std::vector<double> a = commuting_values(0), b = commuting_values(1);
  const auto trace = [](const std::vector<double>& v) {
    double sum = 0.0;
    for (double x : v) sum += x;
    return sum;
  };
  const double linear = trace(closed_form({a, b}, {0.5, 0.5}, BlendSpace::Linear));
  const double wasserstein = trace(closed_form({a, b}, {0.5, 0.5}, BlendSpace::Wasserstein));
  const double log_euclidean = trace(closed_form({a, b}, {0.5, 0.5}, BlendSpace::LogEuclidean));
  EXPECT_GT(linear, 1.2 * wasserstein);
  EXPECT_GT(wasserstein, 1.2 * log_euclidean);
}

TEST(GramBlend, ThreeCommutingGramsMatchTheClosedForm) {
  auto backend = make_test_backend();
  const HostMatrix q = random_orthogonal(kChannels, 9);
  const std::vector<std::vector<double>> values = {commuting_values(0), commuting_values(1),
                                                   commuting_values(2)};
  std::vector<std::vector<float>> grams;
  for (const auto& v : values) grams.push_back(to_float(spectral(q, v)));
  const std::vector<float> weights = {0.5f, 0.3f, 0.2f};
  for (BlendSpace space : kSpaces) {
    BlendReport report;
    const std::vector<float> got = blend(*backend, grams, weights, space, &report);
    const std::vector<double> want = closed_form(values, {0.5, 0.3, 0.2}, space);
    EXPECT_LT(relative_frobenius(got, spectral(q, want)), 5e-5) << name_in(kBlendSpaceNames, space);
    if (space == BlendSpace::Wasserstein) {
      EXPECT_TRUE(report.converged);
      EXPECT_GT(report.iterations, 0);
      EXPECT_LT(report.last_change, kBarycenterTolerance);
    }
  }
}

TEST(GramBlend, TheEndsOfAPathAreTheGramsThemselves) {
  auto backend = make_test_backend();
  const std::vector<float> ga = random_relu_gram(kChannels, 10, 1);  // singular: 10 pixels
  const std::vector<float> gb = random_relu_gram(kChannels, 200, 2);
  for (BlendSpace space : kSpaces) {
    EXPECT_EQ(blend(*backend, {ga, gb}, {1.0f, 0.0f}, space), ga)
        << name_in(kBlendSpaceNames, space);
    EXPECT_EQ(blend(*backend, {ga, gb}, {0.0f, 1.0f}, space), gb)
        << name_in(kBlendSpaceNames, space);
    EXPECT_EQ(blend(*backend, {ga}, {1.0f}, space), ga);
  }
}

// Real Grams of ReLU features with fewer pixels than channels are singular (rank <= pixels):
// every space gives a finite, symmetric, positive semi-definite blend near its ends for t
// near 0 and 1, and the Wasserstein fixed point agrees with the closed-form geodesic.
TEST(GramBlend, NearSingularGramsBlendToPositiveSemiDefiniteMatrices) {
  auto backend = make_test_backend();
  const int c = 32;
  const std::vector<float> ga = random_relu_gram(c, 12, 11), gb = random_relu_gram(c, 20, 12);
  const HostEigen ea = host_eigen(*backend, ga, c);
  ASSERT_LT(ea.values[size_t(c - 13)], 1e-6 * ea.values.back()) << "the test Gram is singular";
  for (BlendSpace space : kSpaces) {
    const std::string name = name_in(kBlendSpaceNames, space);
    const std::vector<float> middle = blend(*backend, {ga, gb}, {0.5f, 0.5f}, space);
    for (float v : middle) ASSERT_TRUE(std::isfinite(v)) << name;
    expect_exactly_symmetric(middle);
    const HostEigen eigen = host_eigen(*backend, middle, c);
    EXPECT_GT(eigen.values.front(), -1e-5 * eigen.values.back()) << name;
    // Close to an end, close to that end (the shift keeps the log and inverse roots stable).
    const std::vector<float> near_a = blend(*backend, {ga, gb}, {0.999f, 0.001f}, space);
    EXPECT_LT(relative_frobenius(near_a, ga), 2e-2) << name;
  }
  // Three Grams, two of them the same: the barycenter is the geodesic's point.
  BlendReport report;
  const std::vector<float> iterated =
      blend(*backend, {ga, gb, gb}, {0.5f, 0.25f, 0.25f}, BlendSpace::Wasserstein, &report);
  const std::vector<float> geodesic =
      blend(*backend, {ga, gb}, {0.5f, 0.5f}, BlendSpace::Wasserstein);
  EXPECT_TRUE(report.converged) << report.iterations << " iterations, change "
                                << report.last_change;
  EXPECT_LT(relative_frobenius(iterated, geodesic), 1e-4);
}

// Non-commuting Grams against float64 references that share no code with the engine
// (Denman-Beavers square roots, Gauss-Jordan inverses): the geodesic formula at t = 0.3, and
// the barycenter of three through its fixed-point equation sum_i w_i (S^1/2 A_i S^1/2)^1/2 = S.
HostMatrix shifted(const std::vector<float>& gram, double eps) {
  HostMatrix m(gram.begin(), gram.end());
  const int c = int(std::lround(std::sqrt(double(m.size()))));
  for (int i = 0; i < c; ++i) m[size_t(i) * c + i] += eps;
  return m;
}

std::vector<double> ladder(int c, double first, double step) {
  std::vector<double> values(static_cast<size_t>(c));
  for (int k = 0; k < c; ++k) values[size_t(k)] = first + step * k;
  return values;
}

TEST(GramBlend, NonCommutingGramsMatchAFloat64Reference) {
  auto backend = make_test_backend();
  const int c = 12;
  const std::vector<double> values_a = ladder(c, 0.1, 1.0), values_b = ladder(c, 4.0, -0.3);
  const std::vector<float> ga = to_float(spectral(random_orthogonal(c, 70), values_a));
  const std::vector<float> gb = to_float(spectral(random_orthogonal(c, 71), values_b));
  const std::vector<float> gc = to_float(spectral(random_orthogonal(c, 72), ladder(c, 2.0, 0.2)));
  const double eps = kBlendShift * values_a.back();  // the largest eigenvalue of the three
  const HostMatrix a = shifted(ga, eps), b = shifted(gb, eps), cc = shifted(gc, eps);

  // The geodesic: ((1-t) I + t T) A ((1-t) I + t T) - eps I.
  const double t = 0.3;
  const HostMatrix root_a = reference_sqrt(a), inverse_root_a = reference_inverse(root_a);
  const HostMatrix transport =
      multiply(multiply(inverse_root_a, reference_sqrt(multiply(multiply(root_a, b), root_a))),
               inverse_root_a);
  HostMatrix step(a.size());
  for (size_t k = 0; k < step.size(); ++k)
    step[k] = t * transport[k] + (k % size_t(c + 1) == 0 ? 1.0 - t : 0.0);
  HostMatrix want = multiply(multiply(step, a), step);
  for (int i = 0; i < c; ++i) want[size_t(i) * c + i] -= eps;
  const std::vector<float> got =
      blend(*backend, {ga, gb}, {float(1 - t), float(t)}, BlendSpace::Wasserstein);
  EXPECT_LT(relative_frobenius(got, want), 1e-5);

  // The barycenter of three.
  const std::vector<double> weights = {0.2, 0.5, 0.3};
  BlendReport report;
  const std::vector<float> mean =
      blend(*backend, {ga, gb, gc}, {0.2f, 0.5f, 0.3f}, BlendSpace::Wasserstein, &report);
  EXPECT_TRUE(report.converged) << report.iterations << " iterations";
  const HostMatrix s = shifted(mean, eps), root_s = reference_sqrt(s);
  HostMatrix sum(s.size(), 0.0);
  const HostMatrix* grams[] = {&a, &b, &cc};
  for (size_t i = 0; i < 3; ++i) {
    const HostMatrix term = reference_sqrt(multiply(multiply(root_s, *grams[i]), root_s));
    for (size_t k = 0; k < sum.size(); ++k) sum[k] += weights[i] * term[k];
  }
  EXPECT_LT(relative_frobenius(sum, s), 2e-5);
}

TEST(GramBlend, MisuseIsAnInternalError) {
  auto backend = make_test_backend();
  const std::vector<float> g = random_relu_gram(4, 8, 1);
  EXPECT_THROW(blend(*backend, {g, g}, {1.0f}, BlendSpace::Linear), InternalError);
  EXPECT_THROW(blend(*backend, {g, g}, {0.0f, 0.0f}, BlendSpace::Linear), InternalError);
  EXPECT_THROW(blend(*backend, {g, g}, {-0.5f, 1.5f}, BlendSpace::Wasserstein), InternalError);
  EXPECT_THROW(blend(*backend, {g, random_relu_gram(5, 8, 1)}, {0.5f, 0.5f}, BlendSpace::Linear),
               InternalError);
}

}  // namespace
}  // namespace nsrg::test
