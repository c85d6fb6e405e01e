// Shared helpers of the CPU backend tests: a backend fixture, random data, tensors from
// host vectors, error measures and a central finite-difference gradient check.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <random>
#include <vector>

#include "engine/cpu/cpu_backend.h"

namespace nsrg::test {

class CpuBackendTest : public ::testing::Test {
 protected:
  std::unique_ptr<Backend> backend = make_cpu_backend();

  Tensor tensor(const Shape& shape, const std::vector<float>& values) {
    EXPECT_EQ(values.size(), shape.numel());
    return backend->from_host(shape, values.data());
  }
  std::vector<float> host(const Tensor& t) { return backend->to_host(t); }
};

// A CPU backend in `precision` on `threads` threads (0: all cores).
inline std::unique_ptr<Backend> cpu_backend_with(Precision precision, int threads = 0) {
  BackendOptions options;
  options.precision = precision;
  options.threads = threads;
  return make_cpu_backend(options);
}

// A 3x3 convolution, stride 1, padding 1 (VGG's), from `in_channels` to `out_channels`.
inline ConvGeometry conv3x3(int in_channels, int out_channels) {
  ConvGeometry g;
  g.in_channels = in_channels;
  g.out_channels = out_channels;
  return g;
}

inline std::vector<float> random_values(size_t count, unsigned seed, float lo = -1.0f,
                                        float hi = 1.0f) {
  std::mt19937 generator(seed);
  std::uniform_real_distribution<float> distribution(lo, hi);
  std::vector<float> values(count);
  for (float& v : values) v = distribution(generator);
  return values;
}

// Distinct values (a shuffled ramp with steps of `step`, plus a little noise) so max pooling
// has no ties and finite differences of size < step/4 never swap the order.
inline std::vector<float> distinct_values(size_t count, unsigned seed, float step = 0.01f) {
  std::vector<float> values(count);
  for (size_t i = 0; i < count; ++i) values[i] = float(i) * step - float(count) * step / 2;
  std::mt19937 generator(seed);
  std::shuffle(values.begin(), values.end(), generator);
  return values;
}

inline double inner(const std::vector<float>& a, const std::vector<float>& b) {
  double sum = 0.0;
  for (size_t i = 0; i < a.size(); ++i) sum += double(a[i]) * double(b[i]);
  return sum;
}

// max |a - b| / max(max |b|, floor): the error relative to the reference's scale.
inline double relative_error(const std::vector<float>& a, const std::vector<double>& b,
                             double floor = 1e-12) {
  EXPECT_EQ(a.size(), b.size());
  double error = 0.0, scale = floor;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    error = std::max(error, std::fabs(double(a[i]) - b[i]));
    scale = std::max(scale, std::fabs(b[i]));
  }
  return error / scale;
}

inline double relative_error(const std::vector<float>& a, const std::vector<float>& b) {
  return relative_error(a, std::vector<double>(b.begin(), b.end()));
}

// Compares an analytic gradient with central differences (loss(x + h e_i) - loss(x - h e_i))
// / 2h on `samples` coordinates (all when samples >= x.size()) and along one random
// direction. Errors are relative to the largest analytic component.
inline void expect_gradient_matches(const std::function<double(const std::vector<float>&)>& loss,
                                    const std::vector<float>& x, const std::vector<float>& analytic,
                                    double h, double tolerance, size_t samples = 24) {
  ASSERT_EQ(x.size(), analytic.size());
  double scale = 1e-12;
  for (float g : analytic) scale = std::max(scale, std::fabs(double(g)));
  std::mt19937 generator(1234);
  std::vector<size_t> indices(x.size());
  for (size_t i = 0; i < x.size(); ++i) indices[i] = i;
  std::shuffle(indices.begin(), indices.end(), generator);
  if (samples < indices.size()) indices.resize(samples);
  for (size_t i : indices) {
    std::vector<float> plus = x, minus = x;
    plus[i] += float(h);
    minus[i] -= float(h);
    const double step = double(plus[i]) - double(minus[i]);  // the step float actually took
    const double numeric = (loss(plus) - loss(minus)) / step;
    EXPECT_LE(std::fabs(numeric - analytic[i]) / scale, tolerance)
        << "coordinate " << i << ": numeric " << numeric << " analytic " << analytic[i];
  }
  const std::vector<float> direction = random_values(x.size(), 99);
  std::vector<float> plus = x, minus = x;
  for (size_t i = 0; i < x.size(); ++i) {
    plus[i] += float(h) * direction[i];
    minus[i] -= float(h) * direction[i];
  }
  const double numeric = (loss(plus) - loss(minus)) / (2 * h);
  const double expected = inner(analytic, direction);
  double magnitude = 1e-12;
  for (size_t i = 0; i < x.size(); ++i) magnitude += std::fabs(analytic[i] * direction[i]);
  EXPECT_LE(std::fabs(numeric - expected) / magnitude, tolerance)
      << "directional: numeric " << numeric << " analytic " << expected;
}

}  // namespace nsrg::test
