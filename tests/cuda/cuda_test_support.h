// Shared helpers of the CUDA backend tests: a fixture holding a CPU and a CUDA backend (it
// skips with a visible message when no device is present or the build has no CUDA
// backend), tensor pairs with the same contents on both, random data and the normalized
// error measure of the parity checks.
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

inline std::unique_ptr<Backend> make_test_cuda_backend(const BackendOptions& options = {}) {
#ifdef NSRG_HAVE_CUDA
  return make_cuda_backend(options);
#else
  (void)options;
  return nullptr;
#endif
}

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

  std::unique_ptr<Backend> cpu;
  std::unique_ptr<Backend> cuda;
};

}  // namespace nsrg::test
