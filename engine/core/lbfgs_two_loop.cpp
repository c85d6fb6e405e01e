// The L-BFGS two-loop recursion through Backend's ring ops, and the choice between it and a
// backend's fused op (lbfgs_two_loop.h).
#include "engine/core/lbfgs_two_loop.h"

#include "engine/core/error.h"

namespace nsrg {

void lbfgs_two_loop_with_ring_ops(Backend& b, const LbfgsTwoLoopArgs& args) {
  NSRG_CHECK(args.grad != nullptr && args.alphas != nullptr && args.d != nullptr &&
                 args.beta.array != nullptr && args.temp.array != nullptr,
             "lbfgs_two_loop without its tensors");
  const LbfgsHistory& history = args.history;
  Tensor& d = *args.d;
  b.copy(*args.grad, d);  // q = -g, then r, then the direction, all in d
  b.scale(-1.0f, d);
  RingRow row = history.newest;
  for (int age = 0; age < history.history; ++age) {
    row.offset = history.newest.offset - age;
    b.ring_dot(*history.s_ring, row, d, history.ro_ring, ScalarSlot{args.alphas, age});
    b.ring_axpy(Coef(-1.0f, *args.alphas, age), *history.y_ring, row, d);
  }
  b.scale(args.hdiag, d);
  const Coef beta(1.0f, *args.beta.array, args.beta.index);
  const Coef temp(1.0f, *args.temp.array, args.temp.index);
  for (int age = history.history - 1; age >= 0; --age) {
    row.offset = history.newest.offset - age;
    b.ring_dot(*history.y_ring, row, d, history.ro_ring, args.beta);
    b.scalar_op(ScalarOp::Subtract, Coef(1.0f, *args.alphas, age), beta, args.temp);
    b.ring_axpy(temp, *history.s_ring, row, d);
  }
}

void run_lbfgs_two_loop(Backend& backend, const LbfgsTwoLoopArgs& args) {
  if (auto* fused = dynamic_cast<LbfgsTwoLoop*>(&backend))
    fused->lbfgs_two_loop(args);
  else
    lbfgs_two_loop_with_ring_ops(backend, args);
}

}  // namespace nsrg
