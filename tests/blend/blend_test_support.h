// Helpers of the blend tests: matrices with a known eigendecomposition Q diag(lambda) Q^T
// (Q a random orthogonal matrix by Gram-Schmidt in double), naive float64 products, and the
// CPU backend's results back on the host.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <vector>

#include "engine/core/backend.h"
#include "engine/core/philox.h"
#include "tests/randomize/randomize_test_util.h"

namespace nsrg::test {

using HostMatrix = std::vector<double>;  // row-major C x C

// Q diag(f(lambda_k)) Q^T in double.
inline HostMatrix spectral(
    const HostMatrix& q, const std::vector<double>& values,
    const std::function<double(double)>& f = [](double x) { return x; }) {
  const int c = int(values.size());
  HostMatrix out(size_t(c) * c, 0.0);
  for (int i = 0; i < c; ++i)
    for (int j = 0; j < c; ++j) {
      double sum = 0.0;
      for (int k = 0; k < c; ++k)
        sum += q[size_t(i) * c + k] * f(values[size_t(k)]) * q[size_t(j) * c + k];
      out[size_t(i) * c + j] = sum;
    }
  return out;
}

inline HostMatrix multiply(const HostMatrix& a, const HostMatrix& b) {
  const int c = int(std::lround(std::sqrt(double(a.size()))));
  HostMatrix out(a.size(), 0.0);
  for (int i = 0; i < c; ++i)
    for (int k = 0; k < c; ++k)
      for (int j = 0; j < c; ++j)
        out[size_t(i) * c + j] += a[size_t(i) * c + k] * b[size_t(k) * c + j];
  return out;
}

// The inverse of a non-singular matrix by Gauss-Jordan elimination with partial pivoting.
inline HostMatrix reference_inverse(HostMatrix a) {
  const int c = int(std::lround(std::sqrt(double(a.size()))));
  HostMatrix inverse(a.size(), 0.0);
  for (int i = 0; i < c; ++i) inverse[size_t(i) * c + i] = 1.0;
  const auto at = [c](HostMatrix& m, int row, int column) -> double& {
    return m[size_t(row) * c + column];
  };
  for (int column = 0; column < c; ++column) {
    int pivot = column;
    for (int row = column + 1; row < c; ++row)
      if (std::fabs(at(a, row, column)) > std::fabs(at(a, pivot, column))) pivot = row;
    for (int k = 0; k < c; ++k) {
      std::swap(at(a, column, k), at(a, pivot, k));
      std::swap(at(inverse, column, k), at(inverse, pivot, k));
    }
    const double diagonal = at(a, column, column);
    for (int k = 0; k < c; ++k) {
      at(a, column, k) /= diagonal;
      at(inverse, column, k) /= diagonal;
    }
    for (int row = 0; row < c; ++row) {
      if (row == column) continue;
      const double factor = at(a, row, column);
      for (int k = 0; k < c; ++k) {
        at(a, row, k) -= factor * at(a, column, k);
        at(inverse, row, k) -= factor * at(inverse, column, k);
      }
    }
  }
  return inverse;
}

// The square root of a symmetric positive definite matrix by the Denman-Beavers iteration
// (Y <- (Y + Z^-1) / 2, Z <- (Z + Y^-1) / 2 from Y = M, Z = I), no eigendecomposition.
inline HostMatrix reference_sqrt(const HostMatrix& m) {
  const int c = int(std::lround(std::sqrt(double(m.size()))));
  HostMatrix y = m, z(m.size(), 0.0);
  for (int i = 0; i < c; ++i) z[size_t(i) * c + i] = 1.0;
  for (int iteration = 0; iteration < 100; ++iteration) {
    const HostMatrix y_next_part = reference_inverse(z), z_next_part = reference_inverse(y);
    double change = 0.0, norm = 0.0;
    for (size_t k = 0; k < y.size(); ++k) {
      const double next = 0.5 * (y[k] + y_next_part[k]);
      change += (next - y[k]) * (next - y[k]);
      norm += next * next;
      y[k] = next;
      z[k] = 0.5 * (z[k] + z_next_part[k]);
    }
    if (change < 1e-30 * norm) break;
  }
  return y;
}

inline std::vector<float> to_float(const HostMatrix& m) {
  return std::vector<float>(m.begin(), m.end());
}

inline Tensor upload(Backend& backend, const std::vector<float>& m) {
  const int c = int(std::lround(std::sqrt(double(m.size()))));
  return backend.from_host(Shape{1, 1, c, c}, m.data());
}

inline void expect_exactly_symmetric(const std::vector<float>& m) {
  const int c = int(std::lround(std::sqrt(double(m.size()))));
  for (int i = 0; i < c; ++i)
    for (int j = 0; j < i; ++j)
      ASSERT_EQ(m[size_t(i) * c + j], m[size_t(j) * c + i]) << i << "," << j;
}

}  // namespace nsrg::test
