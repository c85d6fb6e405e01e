// Helpers of the randomization and blend tests: a CPU backend, a real Gram of random ReLU
// features (naive loop), a random orthogonal matrix, host-side eigen tensors and naive
// reference matrix products.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "engine/core/backend.h"
#include "engine/core/philox.h"
#include "engine/cpu/cpu_backend.h"

namespace nsrg::test {

inline std::unique_ptr<Backend> make_test_backend() {
  BackendOptions options;
  options.threads = 2;
  return make_cpu_backend(options);
}

// G = F F^T / (C*H*W) of random non-negative (ReLU'd normal) features F [C, pixels], like a
// VGG layer's Gram: symmetric, positive semi-definite, entries of varied magnitude.
inline std::vector<float> random_relu_gram(int channels, int pixels, uint64_t seed) {
  RandomStream stream;
  stream.seed = seed;
  std::vector<double> features(size_t(channels) * pixels);
  for (size_t k = 0; k < features.size(); ++k) {
    // A per-channel scale spreads the Gram entries over several orders of magnitude.
    const double channel_scale = std::pow(10.0, 2.0 * double(k / pixels) / channels);
    features[k] = std::max(0.0, double(stream.normal(k))) * channel_scale;
  }
  std::vector<float> gram(size_t(channels) * channels);
  const double scale = 1.0 / (double(channels) * pixels);
  for (int i = 0; i < channels; ++i) {
    for (int j = i; j < channels; ++j) {
      double sum = 0.0;
      for (int p = 0; p < pixels; ++p)
        sum += features[size_t(i) * pixels + p] * features[size_t(j) * pixels + p];
      gram[size_t(i) * channels + j] = gram[size_t(j) * channels + i] = float(sum * scale);
    }
  }
  return gram;
}

// A random orthogonal C x C matrix (columns orthonormal), row-major.
inline std::vector<double> random_orthogonal(int c, uint64_t seed) {
  RandomStream stream;
  stream.seed = seed;
  std::vector<double> q(size_t(c) * c);
  for (size_t k = 0; k < q.size(); ++k) q[k] = stream.normal(k);
  for (int j = 0; j < c; ++j) {
    for (int k = 0; k < j; ++k) {
      double projection = 0.0;
      for (int i = 0; i < c; ++i) projection += q[size_t(i) * c + j] * q[size_t(i) * c + k];
      for (int i = 0; i < c; ++i) q[size_t(i) * c + j] -= projection * q[size_t(i) * c + k];
    }
    double norm = 0.0;
    for (int i = 0; i < c; ++i) norm += q[size_t(i) * c + j] * q[size_t(i) * c + j];
    for (int i = 0; i < c; ++i) q[size_t(i) * c + j] /= std::sqrt(norm);
  }
  return q;
}

// M = V diag(values) V^T by a naive loop in double.
inline std::vector<double> naive_rebuild(const std::vector<double>& vectors,
                                         const std::vector<double>& values, int channels) {
  std::vector<double> out(size_t(channels) * channels, 0.0);
  for (int i = 0; i < channels; ++i)
    for (int j = 0; j < channels; ++j) {
      double sum = 0.0;
      for (int k = 0; k < channels; ++k)
        sum += vectors[size_t(i) * channels + k] * values[k] * vectors[size_t(j) * channels + k];
      out[size_t(i) * channels + j] = sum;
    }
  return out;
}

// ||a - b||_F / ||b||_F.
template <typename A, typename B>
double relative_frobenius(const std::vector<A>& a, const std::vector<B>& b) {
  EXPECT_EQ(a.size(), b.size());
  double diff = 0.0, norm = 0.0;
  for (size_t k = 0; k < a.size(); ++k) {
    diff += (double(a[k]) - double(b[k])) * (double(a[k]) - double(b[k]));
    norm += double(b[k]) * double(b[k]);
  }
  return std::sqrt(diff) / std::sqrt(norm);
}

// The eigendecomposition of a host Gram on the backend, back on the host.
struct HostEigen {
  std::vector<float> values, vectors;
};

inline HostEigen host_eigen(Backend& backend, const std::vector<float>& gram, int channels) {
  Tensor matrix = backend.from_host(Shape{1, 1, channels, channels}, gram.data());
  Tensor values = backend.empty(Shape{1, 1, 1, channels});
  Tensor vectors = backend.empty(Shape{1, 1, channels, channels});
  backend.symmetric_eigen(matrix, values, vectors);
  return HostEigen{backend.to_host(values), backend.to_host(vectors)};
}

// randomize_gram on host data; returns the target.
inline std::vector<float> host_randomize(Backend& backend, const std::vector<float>& gram,
                                         const HostEigen& eigen, const GramRandomization& params,
                                         int channels) {
  const Shape square{1, 1, channels, channels};
  Tensor matrix = backend.from_host(square, gram.data());
  Tensor values = backend.from_host(Shape{1, 1, 1, channels}, eigen.values.data());
  Tensor vectors = backend.from_host(square, eigen.vectors.data());
  Tensor target = backend.empty(square);
  backend.randomize_gram(matrix, values, vectors, params, target);
  return backend.to_host(target);
}

}  // namespace nsrg::test
