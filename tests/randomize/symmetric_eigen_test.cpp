// Backend::symmetric_eigen on the CPU: ascending eigenvalues, orthonormal eigenvectors in the
// columns, and V diag(lambda) V^T == A (naive loop) on real Grams of random ReLU features.
#include <gtest/gtest.h>

#include "engine/core/error.h"
#include "randomize_test_util.h"

namespace nsrg::test {
namespace {

void expect_decomposes(int channels, int pixels) {
  auto backend = make_test_backend();
  const std::vector<float> gram = random_relu_gram(channels, pixels, 1234 + channels);
  const HostEigen eigen = host_eigen(*backend, gram, channels);

  for (int j = 1; j < channels; ++j) EXPECT_LE(eigen.values[j - 1], eigen.values[j]) << j;

  // Orthonormal columns: V^T V == I.
  double worst = 0.0;
  for (int a = 0; a < channels; ++a) {
    for (int b = 0; b < channels; ++b) {
      double sum = 0.0;
      for (int i = 0; i < channels; ++i)
        sum += double(eigen.vectors[size_t(i) * channels + a]) *
               double(eigen.vectors[size_t(i) * channels + b]);
      worst = std::max(worst, std::fabs(sum - (a == b ? 1.0 : 0.0)));
    }
  }
  EXPECT_LT(worst, 1e-5) << "V^T V differs from I, C=" << channels;

  // Column j is an eigenvector of eigenvalue j, and together they rebuild A.
  const std::vector<double> values(eigen.values.begin(), eigen.values.end());
  const std::vector<double> vectors(eigen.vectors.begin(), eigen.vectors.end());
  EXPECT_LT(relative_frobenius(naive_rebuild(vectors, values, channels), gram), 1e-5)
      << "C=" << channels;
  const int top = channels - 1;
  double residual = 0.0, norm = 0.0;
  for (int i = 0; i < channels; ++i) {
    double product = 0.0;
    for (int k = 0; k < channels; ++k)
      product += double(gram[size_t(i) * channels + k]) * vectors[size_t(k) * channels + top];
    const double expected = values[top] * vectors[size_t(i) * channels + top];
    residual += (product - expected) * (product - expected);
    norm += expected * expected;
  }
  EXPECT_LT(std::sqrt(residual / norm), 1e-5) << "A v != lambda v for the top eigenvalue";
}

TEST(SymmetricEigen, DecomposesRealGram64) {
  expect_decomposes(64, 256);
}

TEST(SymmetricEigen, DecomposesRealGram256) {
  expect_decomposes(256, 1024);
}

TEST(SymmetricEigen, DecomposesRankDeficientGram) {
  expect_decomposes(96, 16);
}

TEST(SymmetricEigen, KnownSmallMatrix) {
  auto backend = make_test_backend();
  // [[2,1],[1,2]]: eigenvalues 1 and 3, eigenvectors (1,-1)/sqrt2 and (1,1)/sqrt2.
  const HostEigen eigen = host_eigen(*backend, {2.0f, 1.0f, 1.0f, 2.0f}, 2);
  EXPECT_NEAR(eigen.values[0], 1.0f, 1e-6);
  EXPECT_NEAR(eigen.values[1], 3.0f, 1e-6);
  const float r = std::sqrt(0.5f);
  EXPECT_NEAR(std::fabs(eigen.vectors[0]), r, 1e-6);       // V[0][0]
  EXPECT_NEAR(eigen.vectors[2], -eigen.vectors[0], 1e-6);  // V[1][0]
  EXPECT_NEAR(eigen.vectors[3], eigen.vectors[1], 1e-6);   // V[1][1]
  EXPECT_NEAR(std::fabs(eigen.vectors[1]), r, 1e-6);       // V[0][1]
}

TEST(SymmetricEigen, ReadsOnlyTheUpperTriangle) {
  auto backend = make_test_backend();
  const int channels = 16;
  const std::vector<float> gram = random_relu_gram(channels, 32, 7);
  std::vector<float> upper_only = gram;
  for (int i = 0; i < channels; ++i)
    for (int j = 0; j < i; ++j) upper_only[size_t(i) * channels + j] = 1e6f;
  const HostEigen full = host_eigen(*backend, gram, channels);
  const HostEigen upper = host_eigen(*backend, upper_only, channels);
  EXPECT_EQ(full.values, upper.values);
}

TEST(SymmetricEigen, RejectsWrongShapes) {
  auto backend = make_test_backend();
  Tensor matrix = backend->zeros(Shape{1, 1, 4, 4});
  Tensor values = backend->empty(Shape{1, 1, 1, 3});
  Tensor vectors = backend->empty(Shape{1, 1, 4, 4});
  EXPECT_THROW(backend->symmetric_eigen(matrix, values, vectors), InternalError);
  Tensor not_square = backend->zeros(Shape{1, 1, 4, 5});
  Tensor values4 = backend->empty(Shape{1, 1, 1, 4});
  EXPECT_THROW(backend->symmetric_eigen(not_square, values4, vectors), InternalError);
}

}  // namespace
}  // namespace nsrg::test
