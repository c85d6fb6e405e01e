// LbfgsOptimizer: L-BFGS without a line search (torch/optim lbfgs.lua as neural-style calls
// it), every piece of state a backend Tensor so a step makes no host read.
//
// The history is a ring of m+1 rows per s and y (plus 1/(y.s) per row) with the number of
// accepted pairs, `count`, in a device scalar. The pairs in use are rows (count-1-i) mod
// (m+1), i < min(count, m), i = 0 the newest. Each step writes its candidate pair into row
// count mod (m+1), which is not in use, and adds 1 to count on the device only when
// y.s > 1e-10: accepting a pair thereby also evicts the oldest one once m are held. The
// two-loop runs over all m ages and the ring ops skip the ages that do not exist yet. Once
// stopped, x is left alone: its update is a ring_axpy from d viewed as a one-row ring whose
// row exists only while a device flag says "moving". The two-loop recursion is
// engine/core/lbfgs_two_loop.h's: the backend's fused op when it has one, else the ring ops.
#include "engine/optim/lbfgs.h"

#include "engine/core/error.h"
#include "engine/core/lbfgs_two_loop.h"

namespace nsrg {

namespace {

// Slots of LbfgsOptimizer::scalars_.
enum LbfgsSlot : int {
  kCount,     // pairs accepted so far (a whole number)
  kHdiag,     // H0 = y.s / y.y of the newest accepted pair (1 before any)
  kStepSize,  // t of this step, 0 once stopped
  kStopped,   // 1 once g.d > -tol_x was seen
  kMoving,    // 1 - stopped: the counter of the one-row "ring" that gates the x update
  kGtd,       // g . d
  kYs,        // y . s of the candidate pair
  kYy,        // y . y of the candidate pair
  kAccept,    // 1 when the candidate pair is kept
  kBeta,      // be_i of the two-loop
  kTemp,      // scratch
  kSlotCount
};

constexpr float kCurvatureThreshold = 1e-10f;  // a pair is kept only when y.s exceeds it

}  // namespace

LbfgsOptimizer::LbfgsOptimizer(Backend& backend, const OptimizerSettings& settings,
                               const Shape& variable_shape)
    : backend_(backend),
      learning_rate_(settings.learning_rate),
      history_(settings.history),
      tol_x_(settings.tol_x),
      bf16_history_(settings.history_precision == HistoryPrecision::Bf16),
      variable_shape_(variable_shape) {
  NSRG_CHECK(history_ >= 1, "L-BFGS history ", history_);
  const std::vector<Shape> shapes = state_shapes(settings, variable_shape);
  // Ring rows are read only after they were written, so they need no clearing.
  s_ring_ = backend.empty(shapes[0]);
  y_ring_ = backend.empty(shapes[1]);
  ro_ring_ = backend.zeros(shapes[2]);
  g_old_ = backend.zeros(shapes[3]);
  d_ = backend.zeros(shapes[4]);
  alpha_ = backend.zeros(shapes[5]);
  ro_new_ = backend.zeros(shapes[6]);
  scalars_ = backend.zeros(shapes[7]);
  backend.scalar_op(ScalarOp::Add, Coef(1.0f), Coef(0.0f), out(kHdiag));
}

std::vector<Shape> LbfgsOptimizer::state_shapes(const OptimizerSettings& settings, const Shape& v) {
  const int m = settings.history;
  // bf16 history: two values per float of the ring (optimizer.history_precision).
  const Shape ring = settings.history_precision == HistoryPrecision::Bf16
                         ? Shape{m + 1, 1, 1, int((v.numel() + 1) / 2)}
                         : Shape{m + 1, v.n * v.c, v.h, v.w};
  return {ring,
          ring,
          Shape{m + 1, 1, 1, 1},
          v,
          Shape{1, v.n * v.c, v.h, v.w},  // d: one row (see the x update in step)
          Shape{1, 1, 1, m},
          Shape{1, 1, 1, 1},
          Shape{1, 1, 1, kSlotCount}};
}

RingRow LbfgsOptimizer::ring_row(int offset) const {
  return RingRow{&scalars_, kCount, offset};
}

RingRow LbfgsOptimizer::history_row(int offset) const {
  return RingRow{&scalars_, kCount, offset, bf16_history_};
}

void LbfgsOptimizer::step(Tensor& x, const Tensor& grad, ScalarSlot /*loss*/) {
  const size_t numel = variable_shape_.numel();
  NSRG_CHECK(x.numel() == numel && grad.numel() == numel, "L-BFGS step on ", x.shape().str(),
             " and ", grad.shape().str(), " for a variable of ", variable_shape_.str());
  Backend& b = backend_;
  ++iteration_;
  if (iteration_ == 1) {
    b.copy(grad, d_);
    b.scale(-1.0f, d_);
  } else {
    update_history(grad);
    two_loop_direction(grad);
  }
  b.copy(grad, g_old_);

  // Stop (for good) when d is no descent direction by a margin: g.d > -tol_x.
  b.dot(grad, d_, out(kGtd));
  b.scalar_op(ScalarOp::Greater, slot(kGtd), Coef(-tol_x_), out(kTemp));
  b.scalar_op(ScalarOp::Max, slot(kStopped), slot(kTemp), out(kStopped));
  b.scalar_op(ScalarOp::Subtract, Coef(1.0f), slot(kStopped), out(kMoving));

  // t = min(1, 1/||g||_1) lr on the first step, lr afterwards; 0 once stopped, so that the
  // next candidate pair (s = 0) is rejected.
  if (iteration_ == 1) {
    b.asum(grad, out(kTemp));
    b.scalar_op(ScalarOp::Divide, Coef(1.0f), slot(kTemp), out(kStepSize));
    b.scalar_op(ScalarOp::Min, Coef(1.0f), slot(kStepSize), out(kStepSize));
    b.scalar_op(ScalarOp::Multiply, slot(kStepSize), Coef(learning_rate_), out(kStepSize));
    b.scalar_select(slot(kStopped), Coef(0.0f), slot(kStepSize), out(kStepSize));
  } else {
    b.scalar_select(slot(kStopped), Coef(0.0f), Coef(learning_rate_), out(kStepSize));
  }
  b.scale(slot(kStepSize), d_);  // d_ = t d: the step, and the next candidate's s
  // x += d_ unless stopped: d_ is a one-row ring whose row exists only while moving = 1, so
  // a stopped optimizer never touches x (not even with 0 * a non-finite d).
  b.ring_axpy(Coef(1.0f), d_, RingRow{&scalars_, kMoving, -1}, x);
}

void LbfgsOptimizer::update_history(const Tensor& grad) {
  Backend& b = backend_;
  // y = g - g_old, built in g_old_; s = t_old d_old is what d_ holds.
  b.scale(-1.0f, g_old_);
  b.axpy(1.0f, grad, g_old_);
  b.dot(g_old_, d_, out(kYs));
  b.dot(g_old_, g_old_, out(kYy));

  // The candidate goes into the free row count mod (m+1) whether or not it is kept.
  b.ring_store(g_old_, y_ring_, history_row(0));
  b.ring_store(d_, s_ring_, history_row(0));
  b.scalar_op(ScalarOp::Divide, Coef(1.0f), slot(kYs), ScalarSlot{&ro_new_, 0});
  b.ring_store(ro_new_, ro_ring_, ring_row(0));

  // Kept when y.s > 1e-10: Hdiag = y.s / y.y and count += 1 (a rejected pair changes
  // nothing; the select never lets a NaN ratio of a rejected pair through).
  b.scalar_op(ScalarOp::Greater, slot(kYs), Coef(kCurvatureThreshold), out(kAccept));
  b.scalar_op(ScalarOp::Divide, slot(kYs), slot(kYy), out(kTemp));
  b.scalar_select(slot(kAccept), slot(kTemp), slot(kHdiag), out(kHdiag));
  b.scalar_op(ScalarOp::Add, slot(kCount), slot(kAccept), out(kCount));
}

void LbfgsOptimizer::two_loop_direction(const Tensor& grad) {
  LbfgsTwoLoopArgs args;
  args.history.s_ring = &s_ring_;
  args.history.y_ring = &y_ring_;
  args.history.ro_ring = &ro_ring_;
  args.history.newest = history_row(-1);
  args.history.history = history_;
  args.hdiag = slot(kHdiag);
  args.grad = &grad;
  args.alphas = &alpha_;
  args.beta = out(kBeta);
  args.temp = out(kTemp);
  args.d = &d_;
  run_lbfgs_two_loop(backend_, args);
}

bool LbfgsOptimizer::stopped() {
  return backend_.read_scalar(scalars_, kStopped) != 0.0f;
}

int LbfgsOptimizer::accepted_pairs() {
  return int(backend_.read_scalar(scalars_, kCount));
}

}  // namespace nsrg
