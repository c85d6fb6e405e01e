// The matrix-function rules of engine/core/matrix_function_rules.h (f of an eigenvalue with its
// floor, the scaled eigenvector columns) and square_matrix_rules.h's rounded symmetric part,
// against the float64 formulas written here.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/core/matrix_function_rules.h"
#include "engine/core/square_matrix_rules.h"

namespace nsrg {
namespace {

TEST(MatrixFunctionRules, ValuesOfPositiveEigenvalues) {
  const double largest = 4.0;
  for (double x : {1e-3, 0.5, 2.0, 4.0}) {
    EXPECT_DOUBLE_EQ(matrix_function_value(MatrixFunction::Sqrt, x, largest), std::sqrt(x));
    EXPECT_DOUBLE_EQ(matrix_function_value(MatrixFunction::InverseSqrt, x, largest),
                     1.0 / std::sqrt(x));
    EXPECT_DOUBLE_EQ(matrix_function_value(MatrixFunction::Log, x, largest), std::log(x));
    EXPECT_DOUBLE_EQ(matrix_function_value(MatrixFunction::Exp, x, largest), std::exp(x));
  }
  EXPECT_DOUBLE_EQ(matrix_function_value(MatrixFunction::Exp, -3.0, largest), std::exp(-3.0));
}

TEST(MatrixFunctionRules, TheFloorKeepsSingularMatricesFinite) {
  const double largest = 8.0, floor = kEigenvalueFloor * largest;
  for (double x : {0.0, -1e-9, floor / 2}) {
    EXPECT_EQ(matrix_function_value(MatrixFunction::Sqrt, x, largest), x > 0 ? std::sqrt(x) : 0.0);
    EXPECT_DOUBLE_EQ(matrix_function_value(MatrixFunction::InverseSqrt, x, largest),
                     1.0 / std::sqrt(floor));
    EXPECT_DOUBLE_EQ(matrix_function_value(MatrixFunction::Log, x, largest), std::log(floor));
  }
  // At or above the floor nothing changes.
  EXPECT_DOUBLE_EQ(matrix_function_value(MatrixFunction::Log, 2 * floor, largest),
                   std::log(2 * floor));
  EXPECT_TRUE(needs_positive_definite(MatrixFunction::Log));
  EXPECT_TRUE(needs_positive_definite(MatrixFunction::InverseSqrt));
  EXPECT_FALSE(needs_positive_definite(MatrixFunction::Sqrt));
  EXPECT_FALSE(needs_positive_definite(MatrixFunction::Exp));
}

TEST(MatrixFunctionRules, ScaledColumnIsTheEigenvectorTimesFOfItsEigenvalue) {
  constexpr size_t n = 3;
  const std::vector<double> vectors = {0.1, -0.2, 0.3, 0.4, 0.5, -0.6, 0.7, 0.8, 0.9};  // col-major
  const std::vector<double> values = {0.5, 1.0, 9.0};                                   // ascending
  std::vector<double> scaled(n * n, -1.0);
  for (size_t row = 0; row < n; ++row)
    for (size_t column = 0; column < n; ++column)
      function_scaled_element(MatrixFunction::Sqrt, vectors.data(), values.data(), n, row, column,
                              scaled.data());
  for (size_t row = 0; row < n; ++row)
    for (size_t column = 0; column < n; ++column)
      EXPECT_DOUBLE_EQ(scaled[row + column * n],
                       vectors[row + column * n] * std::sqrt(values[column]));
  // The floor is relative to the last (largest) eigenvalue.
  const std::vector<double> singular = {0.0, 1.0, 9.0};
  function_scaled_element(MatrixFunction::Log, vectors.data(), singular.data(), n, 1, 0,
                          scaled.data());
  EXPECT_DOUBLE_EQ(scaled[1], vectors[1] * std::log(kEigenvalueFloor * 9.0));
}

TEST(MatrixFunctionRules, NarrowedSymmetricPartIsExactlySymmetric) {
  constexpr size_t n = 4;
  std::vector<double> m(n * n);
  for (size_t k = 0; k < m.size(); ++k) m[k] = std::sin(0.7 * double(k)) * 1e3;
  std::vector<float> out(n * n);
  for (size_t row = 0; row < n; ++row)
    for (size_t column = 0; column < n; ++column)
      narrow_symmetrized_element(m.data(), n, row, column, out.data());
  for (size_t row = 0; row < n; ++row)
    for (size_t column = 0; column < n; ++column) {
      const double want =
          row == column ? m[row * n + row] : 0.5 * (m[row * n + column] + m[column * n + row]);
      EXPECT_EQ(out[row * n + column], float(want));
      EXPECT_EQ(out[row * n + column], out[column * n + row]);
    }
}

}  // namespace
}  // namespace nsrg
