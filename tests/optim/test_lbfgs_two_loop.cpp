// The CPU backend's fused L-BFGS two-loop recursion against lbfgs_two_loop_with_ring_ops (the
// optimizer's path before the fused op, and the CUDA backend's): d, the alphas and the scratch
// slots equal to the bit, for empty, partly filled, full and wrapped histories, float32 and bf16
// rows, on 1, 2 and 3 threads, with d long enough for several reduction blocks.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "engine/core/backend.h"
#include "engine/core/lbfgs_two_loop.h"
#include "engine/cpu/cpu_backend.h"
#include "tests/cpu/cpu_test_support.h"

namespace nsrg {
namespace {

constexpr int kHistory = 7;
constexpr int kValues = 3 * 16384 + 1234;  // four reduction blocks, the last one short

// A ring of kHistory + 1 rows of kValues values from `rows` (row after row), stored by
// ring_store (bf16 rows rounded as the optimizer stores them).
Tensor ring_of(Backend& backend, const std::vector<float>& rows, bool bf16) {
  const int ring_rows = kHistory + 1;
  Tensor ring = backend.empty(Shape{ring_rows, 1, 1, bf16 ? (kValues + 1) / 2 : kValues});
  const Tensor first_row = backend.zeros(Shape{1, 1, 1, 1});  // a counter of 0
  for (int r = 0; r < ring_rows; ++r) {
    const Tensor row =
        backend.from_host(Shape{1, 1, 1, kValues}, rows.data() + size_t(r) * kValues);
    backend.ring_store(row, ring, RingRow{&first_row, 0, r, bf16});
  }
  return ring;
}

struct TwoLoopResult {
  std::vector<float> d, alphas, scalars;
};

// Runs the two-loop on `backend` with `count` pairs accepted so far (rows count-1, count-2, ...
// mod m+1 in use), fused (the backend's override) or through Backend's ring-op default.
TwoLoopResult run_two_loop(Backend& backend, int count, bool bf16, bool fused) {
  const int ring_rows = kHistory + 1;
  const std::vector<float> s_host =
      test::random_values(size_t(ring_rows) * kValues, 1, -1.0f, 1.0f);
  const std::vector<float> y_host =
      test::random_values(size_t(ring_rows) * kValues, 2, -1.0f, 1.0f);
  const std::vector<float> ro_host = test::random_values(size_t(ring_rows), 3, 0.5f, 2.0f);
  const std::vector<float> g_host = test::random_values(size_t(kValues), 4, -1.0f, 1.0f);
  const Tensor s_ring = ring_of(backend, s_host, bf16);
  const Tensor y_ring = ring_of(backend, y_host, bf16);
  const Tensor ro_ring = backend.from_host(Shape{ring_rows, 1, 1, 1}, ro_host.data());
  const Tensor grad = backend.from_host(Shape{1, 1, 1, kValues}, g_host.data());
  const std::vector<float> scalar_host{float(count), 0.75f, -3.0f,
                                       -4.0f};  // count, hdiag, beta, temp
  Tensor scalars = backend.from_host(Shape{1, 1, 1, 4}, scalar_host.data());
  Tensor alphas = backend.zeros(Shape{1, 1, 1, kHistory});
  Tensor d = backend.zeros(Shape{1, 1, 1, kValues});

  LbfgsTwoLoopArgs args;
  args.history.s_ring = &s_ring;
  args.history.y_ring = &y_ring;
  args.history.ro_ring = &ro_ring;
  args.history.newest = RingRow{&scalars, 0, -1, bf16};
  args.history.history = kHistory;
  args.hdiag = Coef(1.0f, scalars, 1);
  args.grad = &grad;
  args.alphas = &alphas;
  args.beta = ScalarSlot{&scalars, 2};
  args.temp = ScalarSlot{&scalars, 3};
  args.d = &d;
  if (fused) {
    auto* two_loop = dynamic_cast<LbfgsTwoLoop*>(&backend);
    EXPECT_NE(two_loop, nullptr) << "the CPU backend has no fused two-loop";
    if (two_loop != nullptr) two_loop->lbfgs_two_loop(args);
  } else {
    lbfgs_two_loop_with_ring_ops(backend, args);
  }
  return {backend.to_host(d), backend.to_host(alphas), backend.to_host(scalars)};
}

void expect_same_bytes(const std::vector<float>& got, const std::vector<float>& want,
                       const char* what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_EQ(std::memcmp(&got[i], &want[i], sizeof(float)), 0)
        << what << " value " << i << ": " << got[i] << " vs " << want[i];
}

TEST(LbfgsTwoLoop, FusedCpuPassesEqualTheRingOpsToTheBit) {
  // 0 pairs (d = -Hdiag g), 3 of 7, exactly 7, and 7 after the ring wrapped.
  for (int count : {0, 3, kHistory, kHistory + 5})
    for (bool bf16 : {false, true})
      for (int threads : {1, 2, 3}) {
        SCOPED_TRACE(testing::Message() << "count " << count << (bf16 ? " bf16" : " fp32") << ", "
                                        << threads << " threads");
        BackendOptions options;
        options.threads = threads;
        std::unique_ptr<Backend> backend = make_cpu_backend(options);
        const TwoLoopResult fused = run_two_loop(*backend, count, bf16, true);
        const TwoLoopResult reference = run_two_loop(*backend, count, bf16, false);
        expect_same_bytes(fused.d, reference.d, "d");
        expect_same_bytes(fused.alphas, reference.alphas, "alphas");
        // Without pairs the ring-op sequence still writes temp from stale slots (scratch).
        if (count > 0) expect_same_bytes(fused.scalars, reference.scalars, "scalar slots");
      }
}

// Independent of both: the recursion in double on the host for the full, unwrapped case
// (fp32 rows), within float rounding.
TEST(LbfgsTwoLoop, FusedCpuPassesMatchADoubleRecursion) {
  BackendOptions options;
  options.threads = 2;
  std::unique_ptr<Backend> backend = make_cpu_backend(options);
  const int count = kHistory;
  const TwoLoopResult fused = run_two_loop(*backend, count, false, true);
  const std::vector<float> s = test::random_values(size_t(kHistory + 1) * kValues, 1, -1.0f, 1.0f);
  const std::vector<float> y = test::random_values(size_t(kHistory + 1) * kValues, 2, -1.0f, 1.0f);
  const std::vector<float> ro = test::random_values(size_t(kHistory + 1), 3, 0.5f, 2.0f);
  const std::vector<float> g = test::random_values(size_t(kValues), 4, -1.0f, 1.0f);
  std::vector<double> q(g.begin(), g.end()), alpha(kHistory);
  for (double& v : q) v = -v;
  auto dot = [&](const std::vector<float>& ring, int row) {
    double sum = 0.0;
    for (int i = 0; i < kValues; ++i) sum += double(ring[size_t(row) * kValues + i]) * q[size_t(i)];
    return sum;
  };
  for (int age = 0; age < kHistory; ++age) {
    const int row = (count - 1 - age) % (kHistory + 1);
    alpha[size_t(age)] = ro[size_t(row)] * dot(s, row);
    for (int i = 0; i < kValues; ++i)
      q[size_t(i)] -= alpha[size_t(age)] * y[size_t(row) * kValues + i];
  }
  for (double& v : q) v *= 0.75;
  for (int age = kHistory - 1; age >= 0; --age) {
    const int row = (count - 1 - age) % (kHistory + 1);
    const double beta = ro[size_t(row)] * dot(y, row);
    for (int i = 0; i < kValues; ++i)
      q[size_t(i)] += (alpha[size_t(age)] - beta) * s[size_t(row) * kValues + i];
  }
  double scale = 0.0, error = 0.0;
  for (int i = 0; i < kValues; ++i) {
    scale = std::max(scale, std::fabs(q[size_t(i)]));
    error = std::max(error, std::fabs(double(fused.d[size_t(i)]) - q[size_t(i)]));
  }
  EXPECT_LT(error / scale, 1e-4) << "max |d - reference| " << error << " of " << scale;
}

}  // namespace
}  // namespace nsrg
