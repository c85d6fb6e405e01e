// Shared helpers of the CUDA backend tests: a fixture holding a CPU and a CUDA backend (it
// skips with a visible message when no device is present or the build has no CUDA
// backend), tensor pairs with the same contents on both, random data and the normalized
// error measure of the parity checks.
//
// Naming: tests that run whole optimizations or renders live in suites whose names end in
// "Run" or "Render"; every other suite tests single operations. When test_cuda fails,
// bench/gpu_check.sh reruns the single-operation tests under compute-sanitizer (gtest filter
// "-*Run.*:*Render.*") to name the first kernel that touched memory it should not.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "engine/core/backend.h"
#include "engine/cpu/cpu_backend.h"
#include "tests/cpu/cpu_test_support.h"  // random_values
#ifdef NSRG_HAVE_CUDA
#include "engine/cuda/cuda_backend.h"
#endif

namespace nsrg::test {

// Why CUDA tests cannot run here, or "" when they can.
inline std::string cuda_skip_reason() {
#ifdef NSRG_HAVE_CUDA
  return cuda_device_count() > 0 ? "" : "no CUDA device: skipped";
#else
  return "this build has no CUDA backend: skipped";
#endif
}

// BackendOptions with `precision` (tf32: TF32 tensor cores for convolutions and GEMMs).
inline BackendOptions with_precision(Precision precision) {
  BackendOptions options;
  options.precision = precision;
  return options;
}

inline std::unique_ptr<Backend> make_test_cuda_backend(const BackendOptions& options = {}) {
#ifdef NSRG_HAVE_CUDA
  return make_cuda_backend(options);
#else
  (void)options;
  return nullptr;
#endif
}

#ifdef NSRG_HAVE_CUDA
// A CUDA backend with a choice forced (engine/cuda/cuda_backend.h).
inline std::unique_ptr<Backend> make_test_cuda_backend(const BackendOptions& options,
                                                       const CudaTestOverrides& overrides) {
  return make_cuda_backend(options, overrides);
}
#endif

// The same tensor on the CPU (reference) and on the CUDA backend.
struct TensorPair {
  Tensor cpu, cuda;
};

// Small whole numbers in [0, levels): many ties, for the max-pooling tie rule.
inline std::vector<float> tied_values(size_t count, unsigned seed, int levels = 3) {
  std::mt19937 generator(seed);
  std::uniform_int_distribution<int> distribution(0, levels - 1);
  std::vector<float> values(count);
  for (float& v : values) v = float(distribution(generator));
  return values;
}

// max |actual - expected| / max(max |expected|, floor).
inline double normalized_error(const std::vector<float>& actual, const std::vector<float>& expected,
                               double floor = 1e-30) {
  EXPECT_EQ(actual.size(), expected.size());
  double error = 0.0, scale = floor;
  for (size_t i = 0; i < actual.size() && i < expected.size(); ++i) {
    const double difference = std::fabs(double(actual[i]) - double(expected[i]));
    error = std::isnan(difference) ? INFINITY : std::max(error, difference);
    scale = std::max(scale, std::fabs(double(expected[i])));
  }
  return error / scale;
}

class CudaParityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string reason = cuda_skip_reason();
    if (!reason.empty()) GTEST_SKIP() << reason;
    cpu = make_cpu_backend();
    cuda = make_test_cuda_backend();
  }

  TensorPair pair(const Shape& shape, const std::vector<float>& values) {
    EXPECT_EQ(values.size(), shape.numel());
    return TensorPair{cpu->from_host(shape, values.data()), cuda->from_host(shape, values.data())};
  }
  TensorPair random_pair(const Shape& shape, unsigned seed, float lo = -1.0f, float hi = 1.0f) {
    return pair(shape, random_values(shape.numel(), seed, lo, hi));
  }
  // Uninitialized on both (then typically overwritten by the op under test).
  TensorPair empty_pair(const Shape& shape) {
    return TensorPair{cpu->empty(shape), cuda->empty(shape)};
  }
  TensorPair filled_pair(const Shape& shape, float value) {
    TensorPair p = empty_pair(shape);
    cpu->fill(p.cpu, value);
    cuda->fill(p.cuda, value);
    return p;
  }

  // Expects the CUDA result within `tolerance` (normalized error) of the CPU result.
  void expect_parity(const TensorPair& p, double tolerance, const std::string& what) {
    const std::vector<float> expected = cpu->to_host(p.cpu);
    const std::vector<float> actual = cuda->to_host(p.cuda);
    const double error = normalized_error(actual, expected);
    EXPECT_LE(error, tolerance) << what << ": normalized error " << error;
  }
  void expect_scalar_parity(const TensorPair& p, int index, double tolerance,
                            const std::string& what) {
    const double expected = cpu->read_scalar(p.cpu, index);
    const double actual = cuda->read_scalar(p.cuda, index);
    const double scale = std::max(std::fabs(expected), 1e-30);
    EXPECT_LE(std::fabs(actual - expected) / scale, tolerance)
        << what << ": cuda " << actual << " cpu " << expected;
  }
  static ScalarSlot slot(Tensor& scalars, int index) { return ScalarSlot{&scalars, index}; }

  // dot(a, b) and asum(a) of two random tensors of `shape` (seeds seed, seed + 1) on both
  // backends, with double-precision sums of the host copies. magnitude = sum |a_i b_i|: the
  // scale for a dot whose random signs cancel.
  struct DotAndAsum {
    double cpu_dot, cuda_dot, exact_dot, magnitude;
    double cpu_asum, cuda_asum, exact_asum;
  };
  DotAndAsum dot_and_asum(const Shape& shape, unsigned seed) {
    TensorPair a = random_pair(shape, seed);
    TensorPair b = random_pair(shape, seed + 1);
    TensorPair scalars = filled_pair(Shape{1, 1, 1, 2}, 0.0f);
    cpu->dot(a.cpu, b.cpu, slot(scalars.cpu, 0));
    cuda->dot(a.cuda, b.cuda, slot(scalars.cuda, 0));
    cpu->asum(a.cpu, slot(scalars.cpu, 1));
    cuda->asum(a.cuda, slot(scalars.cuda, 1));
    const std::vector<float> ha = cpu->to_host(a.cpu), hb = cpu->to_host(b.cpu);
    DotAndAsum r{};
    r.magnitude = 1e-30;
    for (size_t i = 0; i < ha.size(); ++i) {
      const double term = double(ha[i]) * double(hb[i]);
      r.exact_dot += term;
      r.magnitude += std::fabs(term);
      r.exact_asum += std::fabs(double(ha[i]));
    }
    r.cpu_dot = cpu->read_scalar(scalars.cpu, 0);
    r.cuda_dot = cuda->read_scalar(scalars.cuda, 0);
    r.cpu_asum = cpu->read_scalar(scalars.cpu, 1);
    r.cuda_asum = cuda->read_scalar(scalars.cuda, 1);
    return r;
  }

  std::unique_ptr<Backend> cpu;
  std::unique_ptr<Backend> cuda;
};

}  // namespace nsrg::test
