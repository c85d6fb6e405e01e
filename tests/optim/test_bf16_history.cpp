// L-BFGS history in bfloat16 (optimizer.history_precision = "bf16") on the CPU backend: the
// ring ops on packed rows, the ring's size, and convergence against the float32 history.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "engine/core/error.h"
#include "engine/cpu/cpu_backend.h"
#include "engine/optim/lbfgs.h"
#include "engine/optim/optimizer.h"
#include "engine/core/ring_values.h"
#include "tests/optim/optim_test_util.h"

namespace nsrg {
namespace {

float rounded(float v) {
  return bf16_to_float(float_to_bf16(v));
}

TEST(Bf16Ring, StoreDotAndAxpyUseTheRoundedValues) {
  const std::unique_ptr<Backend> backend = make_cpu_backend();
  constexpr int kRows = 3, kWidth = 7;  // odd: the last float of a row holds one value
  Tensor ring = backend->zeros(Shape{kRows, 1, 1, (kWidth + 1) / 2});
  Tensor counter = backend->from_host(Shape{1, 1, 1, 1}, std::vector<float>{4.0f}.data());
  std::vector<float> xv(kWidth);
  for (int i = 0; i < kWidth; ++i) xv[size_t(i)] = 1.0f / float(i + 3) - 0.1f * float(i);
  Tensor x = backend->from_host(Shape{1, 1, 1, kWidth}, xv.data());
  backend->ring_store(x, ring, RingRow{&counter, 0, 0, true});  // row 4 mod 3 = 1

  std::vector<float> ones(kWidth, 1.0f);
  Tensor y = backend->from_host(Shape{1, 1, 1, kWidth}, ones.data());
  Tensor out = backend->zeros(Shape{1, 1, 1, 1});
  backend->ring_dot(ring, RingRow{&counter, 0, 0, true}, y, nullptr, ScalarSlot{&out, 0});
  double want = 0;
  for (float v : xv) want += double(rounded(v));
  EXPECT_FLOAT_EQ(backend->read_scalar(out, 0), float(want));
  EXPECT_NE(float(want), [&] {
    double exact = 0;
    for (float v : xv) exact += v;
    return float(exact);
  }());

  backend->ring_axpy(Coef(2.0f), ring, RingRow{&counter, 0, 0, true}, y);
  const std::vector<float> got = backend->to_host(y);
  for (int i = 0; i < kWidth; ++i)
    EXPECT_EQ(got[size_t(i)], 1.0f + 2.0f * rounded(xv[size_t(i)])) << i;
  // The other rows were not touched.
  const std::vector<float> raw = backend->to_host(ring);
  for (int i = 0; i < (kWidth + 1) / 2; ++i) {
    EXPECT_EQ(raw[size_t(i)], 0.0f);
    EXPECT_EQ(raw[size_t(2 * ((kWidth + 1) / 2) + i)], 0.0f);
  }
}

TEST(Bf16Ring, ARingOfFloatRowsIsNotABf16Ring) {
  const std::unique_ptr<Backend> backend = make_cpu_backend();
  Tensor ring = backend->zeros(Shape{2, 1, 1, 8});  // rows of 8 floats = 16 bf16 values
  Tensor counter = backend->zeros(Shape{1, 1, 1, 1});
  Tensor x = backend->zeros(Shape{1, 1, 1, 8});
  EXPECT_THROW(backend->ring_store(x, ring, RingRow{&counter, 0, 0, true}), InternalError);
}

// A 200-D quadratic with curvatures 1..200: the bf16 history reaches the same low loss.
TEST(Bf16History, ConvergesLikeTheFloat32History) {
  const std::unique_ptr<Backend> backend = make_cpu_backend();
  constexpr int kDim = 200;
  auto gradient = [](const std::vector<float>& x, int) {
    std::vector<double> g(x.size());
    for (size_t i = 0; i < x.size(); ++i) g[i] = double(i + 1) * (double(x[i]) - 1.0);
    return g;
  };
  auto loss = [](const std::vector<float>& x) {
    double f = 0;
    for (size_t i = 0; i < x.size(); ++i) f += 0.5 * double(i + 1) * std::pow(x[i] - 1.0, 2);
    return f;
  };
  const std::vector<float> x0(kDim, 0.0f);
  std::vector<double> finals;
  for (HistoryPrecision precision : {HistoryPrecision::Fp32, HistoryPrecision::Bf16}) {
    OptimizerSettings settings;
    settings.history = 10;
    settings.learning_rate = 1.0f;
    settings.history_precision = precision;
    LbfgsOptimizer optimizer(*backend, settings, Shape{1, 1, 1, kDim});
    const auto trajectory = optim_test::run_steps(*backend, optimizer, x0, gradient, 60);
    finals.push_back(loss(trajectory.back()));
  }
  const double start = loss(x0);
  EXPECT_LT(finals[0], start * 1e-6);
  EXPECT_LT(finals[1], start * 1e-5) << "fp32 " << finals[0] << " bf16 " << finals[1];
}

}  // namespace
}  // namespace nsrg
