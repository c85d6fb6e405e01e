// The square-matrix rules of engine/core/square_matrix_rules.h (Gram triangle helpers, the
// layout around the eigensolver) and the reduction terms of reduction_terms.h, against naive
// loops written here.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "engine/core/reduction_terms.h"
#include "engine/core/square_matrix_rules.h"

namespace nsrg {
namespace {

constexpr size_t kSize = 5;

// A row-major kSize x kSize matrix with distinct, non-symmetric entries.
std::vector<float> sample_matrix() {
  std::vector<float> m(kSize * kSize);
  for (size_t k = 0; k < m.size(); ++k) m[k] = float(k) * 0.5f - 3.0f + float(k % 3) * 0.125f;
  return m;
}

TEST(SquareMatrixRules, MirrorCopiesTheUpperTriangleDown) {
  const std::vector<float> original = sample_matrix();
  std::vector<float> m = original;
  for (size_t r = 0; r < kSize; ++r)
    for (size_t c = 0; c < kSize; ++c) mirror_upper_to_lower_element(m.data(), kSize, r, c);
  for (size_t r = 0; r < kSize; ++r)
    for (size_t c = 0; c < kSize; ++c) {
      const float want = c >= r ? original[r * kSize + c] : original[c * kSize + r];
      EXPECT_EQ(m[r * kSize + c], want) << r << "," << c;
    }
}

TEST(SquareMatrixRules, AddTransposeIsExactlySymmetric) {
  const std::vector<float> m = sample_matrix();
  std::vector<float> sum(kSize * kSize, -1.0f);
  for (size_t r = 0; r < kSize; ++r)
    for (size_t c = 0; c < kSize; ++c) add_transpose_element(m.data(), sum.data(), kSize, r, c);
  for (size_t r = 0; r < kSize; ++r)
    for (size_t c = 0; c < kSize; ++c) {
      EXPECT_EQ(sum[r * kSize + c], float(double(m[r * kSize + c]) + m[c * kSize + r]));
      EXPECT_EQ(sum[r * kSize + c], sum[c * kSize + r]);
    }
}

TEST(SquareMatrixRules, WidenKeepsTheMatrixInColumnMajorOrderAndFlagsNonFiniteEntries) {
  std::vector<float> m = sample_matrix();
  std::vector<double> column_major(kSize * kSize);
  for (size_t r = 0; r < kSize; ++r)
    for (size_t c = 0; c < kSize; ++c)
      EXPECT_TRUE(widen_to_column_major_element(m.data(), column_major.data(), kSize, r, c));
  for (size_t r = 0; r < kSize; ++r)
    for (size_t c = 0; c < kSize; ++c)
      EXPECT_EQ(column_major[r + c * kSize], double(m[r * kSize + c]));  // (r, c) stays (r, c)
  m[7] = std::numeric_limits<float>::infinity();
  m[8] = std::nanf("");
  EXPECT_FALSE(widen_to_column_major_element(m.data(), column_major.data(), kSize, 1, 2));
  EXPECT_FALSE(widen_to_column_major_element(m.data(), column_major.data(), kSize, 1, 3));
  EXPECT_TRUE(widen_to_column_major_element(m.data(), column_major.data(), kSize, 1, 4));
}

TEST(SquareMatrixRules, NarrowReadsColumnJAsEigenvectorJ) {
  std::vector<double> column_major(kSize * kSize), values(kSize);
  for (size_t k = 0; k < column_major.size(); ++k) column_major[k] = 1.0 / double(k + 3);
  for (size_t j = 0; j < kSize; ++j) values[j] = -2.0 + 1.0 / 3.0 * double(j);
  std::vector<float> vectors(kSize * kSize), out_values(kSize, -99.0f);
  for (size_t r = 0; r < kSize; ++r)
    for (size_t c = 0; c < kSize; ++c)
      narrow_eigen_element(column_major.data(), values.data(), kSize, r, c, vectors.data(),
                           out_values.data());
  for (size_t j = 0; j < kSize; ++j) {
    EXPECT_EQ(out_values[j], float(values[j]));
    for (size_t i = 0; i < kSize; ++i)  // element i of eigenvector j
      EXPECT_EQ(vectors[i * kSize + j], float(column_major[j * kSize + i]));
  }
}

TEST(ReductionTerms, DotAbsAndValueTermsSumToTheNaiveSums) {
  const std::vector<float> a = {1.5f, -2.25f, 3e-5f, -0.0f, 1e6f, -7.0f};
  const std::vector<float> b = {-4.0f, 0.5f, 2e5f, 3.0f, 1e-6f, -7.0f};
  double dot = 0, asum = 0, sum = 0, want_dot = 0, want_asum = 0, want_sum = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    dot += dot_term(a.data(), b.data(), i);
    asum += abs_term(a.data(), i);
    sum += value_term(a.data(), i);
    want_dot += double(a[i]) * double(b[i]);
    want_asum += a[i] < 0 ? -double(a[i]) : double(a[i]);
    want_sum += double(a[i]);
  }
  EXPECT_EQ(dot, want_dot);
  EXPECT_EQ(asum, want_asum);
  EXPECT_EQ(sum, want_sum);
  // A term is the exact product of two floats (48 significant bits fit a double): the
  // fused a*b - term leaves nothing.
  for (size_t i = 0; i < a.size(); ++i)
    EXPECT_EQ(std::fma(double(a[i]), double(b[i]), -dot_term(a.data(), b.data(), i)), 0.0) << i;
}

}  // namespace
}  // namespace nsrg
