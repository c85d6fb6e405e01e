// L-BFGS on the CPU backend: the first two iterates worked by hand, trajectories against the
// numpy transcription (reference_trajectories.h), pair rejection and eviction, the stopping
// rule, and a 200-step run with m = 100 against a plain host-side list implementation.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <memory>
#include <vector>

#include "engine/cpu/cpu_backend.h"
#include "engine/optim/lbfgs.h"
#include "engine/optim/optimizer.h"
#include "tests/optim/optim_test_util.h"
#include "tests/optim/reference_trajectories.h"

namespace nsrg {
namespace {

using optim_test::expect_trajectory;
using optim_test::quadratic_gradient;
using optim_test::rosenbrock_gradient;
using optim_test::run_steps;

OptimizerSettings lbfgs_settings(float learning_rate, int history, float tol_x) {
  OptimizerSettings settings;
  settings.kind = OptimizerSettings::Kind::Lbfgs;
  settings.learning_rate = learning_rate;
  settings.history = history;
  settings.tol_x = tol_x;
  return settings;
}

TEST(Lbfgs, FirstTwoIteratesByHand) {
  // f = 1/2 (x0 - 1)^2 + 50 (x1 + 2)^2 from (2, -1): g0 = (1, 100), ||g0||_1 = 101, so
  // t = 1/101 and x1 = x0 - g0/101.
  const double x1[2] = {2.0 - 1.0 / 101.0, -1.0 - 100.0 / 101.0};
  // g1 = (100/101, 100/101); y = g1 - g0; s = -g0/101; one pair, Hdiag = y.s / y.y.
  const double g1[2] = {100.0 / 101.0, 100.0 / 101.0};
  const double y[2] = {-1.0 / 101.0, -10000.0 / 101.0};
  const double s[2] = {-1.0 / 101.0, -100.0 / 101.0};
  const double ys = (1.0 + 1e6) / (101.0 * 101.0);
  const double hdiag = (1.0 + 1e6) / (1.0 + 1e8);
  ASSERT_NEAR(y[0] * s[0] + y[1] * s[1], ys, 1e-12);
  // Two-loop with one pair: al = s.q / ys with q = -g1; q -= al y; r = Hdiag q;
  // be = y.r / ys; r += (al - be) s; x2 = x1 + r (lr = 1).
  const double q0[2] = {-g1[0], -g1[1]};
  const double al = (s[0] * q0[0] + s[1] * q0[1]) / ys;
  const double q[2] = {q0[0] - al * y[0], q0[1] - al * y[1]};
  const double r0[2] = {hdiag * q[0], hdiag * q[1]};
  const double be = (y[0] * r0[0] + y[1] * r0[1]) / ys;
  const double x2[2] = {x1[0] + r0[0] + (al - be) * s[0], x1[1] + r0[1] + (al - be) * s[1]};

  auto backend = make_cpu_backend();
  auto optimizer = make_optimizer(*backend, lbfgs_settings(1.0f, 100, -1.0f), Shape{1, 1, 1, 2});
  const auto got = run_steps(*backend, *optimizer, {2.0f, -1.0f}, quadratic_gradient, 2);
  const std::vector<std::array<double, 2>> want = {{x1[0], x1[1]}, {x2[0], x2[1]}};
  expect_trajectory(got, want);
  // The reference script agrees with the hand computation.
  for (int k = 0; k < 2; ++k)
    for (int i = 0; i < 2; ++i)
      EXPECT_NEAR(optim_reference::kQuadraticLbfgs[k][i], want[k][i], 1e-12);
}

TEST(Lbfgs, QuadraticMatchesReference) {
  auto backend = make_cpu_backend();
  LbfgsOptimizer optimizer(*backend, lbfgs_settings(1.0f, 100, -1.0f), Shape{1, 1, 1, 2});
  const auto& want = optim_reference::kQuadraticLbfgs;
  std::vector<int> accepted;
  const auto got =
      run_steps(*backend, optimizer, {2.0f, -1.0f}, quadratic_gradient, int(want.size()),
                [&](int) { accepted.push_back(optimizer.accepted_pairs()); });
  expect_trajectory(got, want);
  // The last step's pair has y.s ~ 1e-12 in double and rounding noise in float: skip it.
  for (size_t k = 0; k + 1 < want.size(); ++k)
    EXPECT_EQ(accepted[k], optim_reference::kQuadraticLbfgsAccepted[k]) << "step " << k + 1;
  EXPECT_FALSE(optimizer.stopped());
  EXPECT_EQ(optimizer.name(), "lbfgs");
}

TEST(Lbfgs, RosenbrockRejectsNegativeCurvatureAndEvictsOldPairs) {
  // history 3: pairs are evicted from step 5 on; step 13's pair has y.s < 0 and is rejected.
  auto backend = make_cpu_backend();
  LbfgsOptimizer optimizer(*backend, lbfgs_settings(0.5f, 3, -1.0f), Shape{1, 1, 1, 2});
  const auto& want = optim_reference::kRosenbrockLbfgs;
  const auto& want_accepted = optim_reference::kRosenbrockLbfgsAccepted;
  std::vector<int> accepted;
  const auto got =
      run_steps(*backend, optimizer, {0.75f, -0.25f}, rosenbrock_gradient, int(want.size()),
                [&](int) { accepted.push_back(optimizer.accepted_pairs()); });
  expect_trajectory(got, want);
  ASSERT_EQ(accepted.size(), want_accepted.size());
  for (size_t k = 0; k < want_accepted.size(); ++k)
    EXPECT_EQ(accepted[k], want_accepted[k]) << "step " << k + 1;
  EXPECT_GT(accepted.back(), 3 + 1);                          // eviction happened
  EXPECT_LT(accepted.back(), int(want_accepted.size()) - 1);  // and a rejection
}

TEST(Lbfgs, StopsWhenDirectionIsNoLongerDescentAndNeverMovesAgain) {
  // tol_x = 0.01: g.d > -0.01 first holds before step 8.
  auto backend = make_cpu_backend();
  LbfgsOptimizer optimizer(*backend, lbfgs_settings(1.0f, 100, 1e-2f), Shape{1, 1, 1, 2});
  const auto& want = optim_reference::kQuadraticLbfgsStop;
  std::vector<bool> stopped;
  const auto got =
      run_steps(*backend, optimizer, {2.0f, -1.0f}, quadratic_gradient, int(want.size()),
                [&](int) { stopped.push_back(optimizer.stopped()); });
  expect_trajectory(got, want);
  for (size_t k = 0; k < stopped.size(); ++k) EXPECT_EQ(stopped[k], k + 1 >= 8) << "step " << k + 1;
  for (size_t k = 7; k < got.size(); ++k) EXPECT_EQ(got[k], got[6]) << "x moved at step " << k + 1;
  EXPECT_EQ(optimizer.accepted_pairs(), optim_reference::kQuadraticLbfgsStopAccepted.back());
}

TEST(Lbfgs, StopOnTheFirstStepLeavesXExactlyAsItWas) {
  // Stopped before step 1; the later gradients are infinite, which makes d non-finite: a
  // stopped optimizer must still not touch x.
  auto backend = make_cpu_backend();
  auto optimizer = make_optimizer(*backend, lbfgs_settings(1.0f, 5, 1e30f), Shape{1, 1, 1, 2});
  auto gradient = [](const std::vector<float>& x, int k) {
    if (k == 1) return quadratic_gradient(x, k);
    return std::vector<double>(2, std::numeric_limits<double>::infinity());
  };
  const auto got = run_steps(*backend, *optimizer, {2.0f, -1.0f}, gradient, 4);
  for (const auto& x : got) EXPECT_EQ(x, (std::vector<float>{2.0f, -1.0f}));
  EXPECT_TRUE(optimizer->stopped());
}

// ---- a plain host-side L-BFGS with a list of pairs -------------------------------------
// Float vectors and dots summed in double, in the backend version's order of operations, so
// the two agree to rounding even on a trajectory that is sensitive to it.
class HostListLbfgs {
 public:
  HostListLbfgs(int history, float learning_rate) : history_(history), lr_(learning_rate) {}

  void step(std::vector<float>& x, const std::vector<float>& g) {
    const size_t n = x.size();
    ++k_;
    if (k_ == 1) {
      d_.assign(n, 0.0f);
      for (size_t i = 0; i < n; ++i) d_[i] = -g[i];
    } else {
      Pair pair;
      pair.y.resize(n);
      for (size_t i = 0; i < n; ++i) pair.y[i] = g[i] - g_old_[i];
      pair.s = d_;  // d_ holds t d of the previous step
      const float ys = dot(pair.y, pair.s);
      const float yy = dot(pair.y, pair.y);
      pair.ro = 1.0f / ys;
      if (ys > 1e-10f) {
        if (int(pairs_.size()) == history_) {
          pairs_.pop_front();
          ++evictions_;
        }
        pairs_.push_back(pair);
        hdiag_ = ys / yy;
        ++accepted_;
      } else {
        ++rejected_;
        if (accepted_ > history_) ++rejections_after_wrap_;  // every ring row was used
      }
      std::vector<float> q(n);
      for (size_t i = 0; i < n; ++i) q[i] = -g[i];
      std::vector<float> al(pairs_.size());
      for (size_t j = pairs_.size(); j-- > 0;) {
        al[j] = float(dot_double(pairs_[j].s, q) * double(pairs_[j].ro));
        for (size_t i = 0; i < n; ++i) q[i] += -al[j] * pairs_[j].y[i];
      }
      for (size_t i = 0; i < n; ++i) q[i] *= hdiag_;
      for (size_t j = 0; j < pairs_.size(); ++j) {
        const float be = float(dot_double(pairs_[j].y, q) * double(pairs_[j].ro));
        const float coefficient = al[j] - be;
        for (size_t i = 0; i < n; ++i) q[i] += coefficient * pairs_[j].s[i];
      }
      d_ = q;
    }
    g_old_ = g;
    const float gtd = dot(g, d_);
    if (gtd > 1.0f) stopped_ = true;  // tol_x = -1
    float t = lr_;
    if (k_ == 1) {
      double sum = 0.0;
      for (float v : g) sum += std::fabs(double(v));
      const float asum = float(sum);
      t = std::min(1.0f, 1.0f / asum) * lr_;
    }
    if (stopped_) t = 0.0f;
    for (size_t i = 0; i < n; ++i) d_[i] *= t;
    for (size_t i = 0; i < n; ++i) x[i] += d_[i];
  }

  int accepted() const { return accepted_; }
  int rejected() const { return rejected_; }
  int rejections_after_wrap() const { return rejections_after_wrap_; }
  int evictions() const { return evictions_; }

 private:
  struct Pair {
    std::vector<float> s, y;
    float ro = 0.0f;
  };
  static double dot_double(const std::vector<float>& a, const std::vector<float>& b) {
    double sum = 0.0;
    for (size_t i = 0; i < a.size(); ++i) sum += double(a[i]) * b[i];
    return sum;
  }
  static float dot(const std::vector<float>& a, const std::vector<float>& b) {
    return float(dot_double(a, b));
  }

  int history_;
  float lr_;
  int k_ = 0;
  std::deque<Pair> pairs_;  // oldest first
  std::vector<float> d_, g_old_;
  float hdiag_ = 1.0f;
  bool stopped_ = false;
  int accepted_ = 0, rejected_ = 0, rejections_after_wrap_ = 0, evictions_ = 0;
};

TEST(Lbfgs, HundredPairsOverTwoHundredStepsMatchHostListImplementation) {
  // A 50-D quadratic (curvatures 1..100) with a small step-dependent gradient perturbation,
  // so that some pairs have y.s <= 1e-10 both before and after the ring of 101 rows wraps.
  constexpr int kDim = 50, kSteps = 200, kHistory = 100;
  auto gradient = [](const std::vector<float>& x, int k) {
    std::vector<double> g(x.size());
    for (size_t i = 0; i < x.size(); ++i) {
      const double a = std::pow(10.0, 2.0 * double(i) / double(kDim - 1));
      const double c = std::sin(double(i));
      g[i] = a * (double(x[i]) - c) + 0.01 * std::sin(1.7 * k + 0.9 * double(i));
    }
    return g;
  };
  std::vector<float> x0(kDim);
  for (int i = 0; i < kDim; ++i) x0[size_t(i)] = float(2.0 * std::cos(0.7 * i));

  std::vector<std::vector<float>> want;
  std::vector<int> want_accepted;
  HostListLbfgs host(kHistory, 0.1f);
  std::vector<float> x = x0;
  for (int k = 1; k <= kSteps; ++k) {
    const std::vector<double> g = gradient(x, k);
    host.step(x, std::vector<float>(g.begin(), g.end()));
    want.push_back(x);
    want_accepted.push_back(host.accepted());
  }
  ASSERT_GT(host.accepted(), kHistory + 10) << "the ring must wrap";
  ASSERT_GT(host.evictions(), 5);
  ASSERT_GT(host.rejected(), 5);
  ASSERT_GT(host.rejections_after_wrap(), 2);

  auto backend = make_cpu_backend();
  LbfgsOptimizer optimizer(*backend, lbfgs_settings(0.1f, kHistory, -1.0f), Shape{1, 1, 1, kDim});
  std::vector<int> accepted;
  const auto got = run_steps(*backend, optimizer, x0, gradient, kSteps,
                             [&](int) { accepted.push_back(optimizer.accepted_pairs()); });
  expect_trajectory(got, want);
  EXPECT_EQ(accepted, want_accepted);
}

}  // namespace
}  // namespace nsrg
