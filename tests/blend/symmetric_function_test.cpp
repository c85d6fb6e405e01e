// Backend::symmetric_function and symmetric_sandwich on the CPU against float64 references
// computed here: f(Q diag(lambda) Q^T) = Q diag(f(lambda)) Q^T for a known Q, naive A B A,
// the eigenvalue floor on singular matrices, and the misuse checks.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/core/error.h"
#include "tests/blend/blend_test_support.h"

namespace nsrg::test {
namespace {

// Eigenvalues spread over four orders of magnitude, as a Gram's are.
std::vector<double> spread_values(int c) {
  std::vector<double> values(static_cast<size_t>(c));
  for (int k = 0; k < c; ++k) values[size_t(k)] = 1e-3 * std::pow(1e4, double(k) / (c - 1));
  return values;
}

// spread_values, or a single eigenvalue for a 1 x 1 matrix.
std::vector<double> values_for(int c) {
  return c == 1 ? std::vector<double>{2.5} : spread_values(c);
}

std::vector<float> apply(Backend& backend, const std::vector<float>& m, MatrixFunction f) {
  Tensor matrix = upload(backend, m);
  Tensor out = backend.empty(matrix.shape());
  backend.symmetric_function(matrix, f, out);
  return backend.to_host(out);
}

TEST(SymmetricFunction, MatchesTheSpectralFormula) {
  auto backend = make_test_backend();
  for (int c : {1, 5, 48}) {
    const HostMatrix q = random_orthogonal(c, 100 + c);
    const std::vector<double> values = values_for(c);
    const std::vector<float> m = to_float(spectral(q, values));
    struct Case {
      MatrixFunction function;
      double (*f)(double);
      double tolerance;
    };
    const Case cases[] = {
        // The float rounding of M (6e-8 of its largest eigenvalue) moves the smallest
        // eigenvalue (1e-4 of the largest) by up to ~1e-3 of itself: the inverse root, whose
        // norm that eigenvalue dominates, and the log inherit it.
        {MatrixFunction::Sqrt, [](double x) { return std::sqrt(x); }, 1e-6},
        {MatrixFunction::InverseSqrt, [](double x) { return 1.0 / std::sqrt(x); }, 5e-4},
        {MatrixFunction::Log, [](double x) { return std::log(x); }, 1e-4},
        {MatrixFunction::Exp, [](double x) { return std::exp(x / 1e3); }, 1e-6},
    };
    for (const Case& test : cases) {
      // exp is checked on M / 1000 (eigenvalues up to 10), where it stays in float range.
      const bool scaled = test.function == MatrixFunction::Exp;
      const std::vector<float> input =
          scaled ? to_float(spectral(q, values, [](double x) { return x / 1e3; })) : m;
      const std::vector<float> got = apply(*backend, input, test.function);
      const HostMatrix want = spectral(q, values, test.f);
      EXPECT_LT(relative_frobenius(got, want), test.tolerance)
          << name_in(kMatrixFunctionNames, test.function) << " C=" << c;
      expect_exactly_symmetric(got);
    }
  }
}

TEST(SymmetricFunction, SqrtSquaresBackAndInverseSqrtInverts) {
  auto backend = make_test_backend();
  const int c = 32;
  const std::vector<float> m = to_float(spectral(random_orthogonal(c, 7), spread_values(c)));
  const std::vector<float> root = apply(*backend, m, MatrixFunction::Sqrt);
  const std::vector<float> inverse = apply(*backend, m, MatrixFunction::InverseSqrt);
  const HostMatrix r(root.begin(), root.end()), s(inverse.begin(), inverse.end());
  EXPECT_LT(relative_frobenius(multiply(r, r), m), 1e-5);
  HostMatrix identity(size_t(c) * c, 0.0);
  for (int i = 0; i < c; ++i) identity[size_t(i) * c + i] = 1.0;
  EXPECT_LT(relative_frobenius(multiply(multiply(s, r), multiply(r, s)), identity), 1e-4);
}

// A singular PSD matrix (rank 3 of 8, and tiny negative eigenvalues from rounding): the
// square root clamps them to 0, the log and inverse square root to the floor.
TEST(SymmetricFunction, SingularMatricesUseTheFloor) {
  auto backend = make_test_backend();
  const int c = 8;
  const HostMatrix q = random_orthogonal(c, 31);
  std::vector<double> values(size_t(c), 0.0);
  values[5] = 0.5, values[6] = 2.0, values[7] = 4.0;
  values[0] = -1e-9;  // rounding noise below zero
  const std::vector<float> m = to_float(spectral(q, values));
  const double floor = kEigenvalueFloor * 4.0;
  const auto floored = [floor](double x) { return x > floor ? x : floor; };
  EXPECT_LT(
      relative_frobenius(apply(*backend, m, MatrixFunction::Sqrt),
                         spectral(q, values, [](double x) { return std::sqrt(std::max(x, 0.0)); })),
      1e-3);  // float rounding of the zero eigenvalues, square-rooted, dominates
  EXPECT_LT(relative_frobenius(apply(*backend, m, MatrixFunction::Log),
                               spectral(q, values, [&](double x) { return std::log(floored(x)); })),
            2e-2);
  for (float v : apply(*backend, m, MatrixFunction::InverseSqrt)) EXPECT_TRUE(std::isfinite(v));
}

TEST(SymmetricFunction, LogOfAMatrixWithoutPositiveEigenvaluesIsAnInternalError) {
  auto backend = make_test_backend();
  const std::vector<float> negative = {-1.0f, 0.0f, 0.0f, -2.0f};
  EXPECT_THROW(apply(*backend, negative, MatrixFunction::Log), InternalError);
  EXPECT_THROW(apply(*backend, negative, MatrixFunction::InverseSqrt), InternalError);
  const std::vector<float> exp = apply(*backend, negative, MatrixFunction::Exp);
  EXPECT_FLOAT_EQ(exp[0], float(std::exp(-1.0)));
  EXPECT_FLOAT_EQ(exp[3], float(std::exp(-2.0)));
  const std::vector<float> not_finite = {1.0f, NAN, NAN, 1.0f};
  EXPECT_THROW(apply(*backend, not_finite, MatrixFunction::Sqrt), InternalError);
}

TEST(SymmetricFunction, OutMayBeTheInput) {
  auto backend = make_test_backend();
  const std::vector<float> m = to_float(spectral(random_orthogonal(6, 3), spread_values(6)));
  const std::vector<float> separate = apply(*backend, m, MatrixFunction::Log);
  Tensor in_place = upload(*backend, m);
  backend->symmetric_function(in_place, MatrixFunction::Log, in_place);
  EXPECT_EQ(backend->to_host(in_place), separate);
}

TEST(SymmetricSandwich, IsABAInDouble) {
  auto backend = make_test_backend();
  for (int c : {1, 7, 40}) {
    const std::vector<float> a = to_float(spectral(random_orthogonal(c, 50 + c), values_for(c)));
    const std::vector<float> b = to_float(spectral(random_orthogonal(c, 60 + c), values_for(c)));
    Tensor ta = upload(*backend, a), tb = upload(*backend, b), out = backend->empty(ta.shape());
    backend->symmetric_sandwich(ta, tb, out);
    const HostMatrix da(a.begin(), a.end()), db(b.begin(), b.end());
    const std::vector<float> got = backend->to_host(out);
    EXPECT_LT(relative_frobenius(got, multiply(multiply(da, db), da)), 1e-6) << "C=" << c;
    expect_exactly_symmetric(got);
    backend->symmetric_sandwich(ta, tb, tb);  // out may be an input
    EXPECT_EQ(backend->to_host(tb), got);
  }
}

TEST(SymmetricSandwich, RejectsMismatchedShapes) {
  auto backend = make_test_backend();
  Tensor a = backend->zeros(Shape{1, 1, 3, 3}), b = backend->zeros(Shape{1, 1, 4, 4});
  Tensor out = backend->empty(Shape{1, 1, 3, 3});
  EXPECT_THROW(backend->symmetric_sandwich(a, b, out), InternalError);
  EXPECT_THROW(backend->symmetric_function(b, MatrixFunction::Sqrt, out), InternalError);
}

}  // namespace
}  // namespace nsrg::test
