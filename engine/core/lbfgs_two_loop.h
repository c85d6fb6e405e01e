// The L-BFGS two-loop recursion over a history held in backend rings, and the optional
// backend capability of running it fused.
//
// LbfgsOptimizer asks its backend for LbfgsTwoLoop (dynamic_cast): a backend that has it
// (the CPU backend) runs the recursion in 2k+1 passes over the direction; any other (the CUDA
// backend) gets lbfgs_two_loop_with_ring_ops, the Backend ring ops, two passes over the
// direction per pair and loop. Both give the same values on the CPU backend (tested to the
// bit), so the capability changes speed, not results.
#pragma once

#include "engine/core/backend.h"

namespace nsrg {

// The history the recursion reads (LbfgsOptimizer's rings): the pair of age a (0 the newest,
// up to `history` - 1) is the row `newest` with its offset lowered by a, in s_ring and y_ring
// alike; ages whose row does not exist yet are skipped, as the ring ops skip them.
struct LbfgsHistory {
  const Tensor* s_ring = nullptr;
  const Tensor* y_ring = nullptr;
  const Tensor* ro_ring = nullptr;  // 1 / (y.s) per row: a ring of one float per row
  RingRow newest;
  int history = 0;
};

// d = -H g by the two-loop recursion (torch/optim lbfgs.lua) over `history`: q = -g; newest
// to oldest al_a = ro_a (s_a . q), q -= al_a y_a; r = hdiag q; oldest to newest
// be_a = ro_a (y_a . r), r += (al_a - be_a) s_a. alphas[a] receives al_a; beta and temp are
// scratch slots.
struct LbfgsTwoLoopArgs {
  LbfgsHistory history;
  Coef hdiag;
  const Tensor* grad = nullptr;
  Tensor* alphas = nullptr;
  ScalarSlot beta, temp;
  Tensor* d = nullptr;
};

// The recursion through Backend's ring ops, on any backend.
void lbfgs_two_loop_with_ring_ops(Backend& backend, const LbfgsTwoLoopArgs& args);

// A backend that runs the recursion as one op, with the values of lbfgs_two_loop_with_ring_ops.
class LbfgsTwoLoop {
 public:
  virtual void lbfgs_two_loop(const LbfgsTwoLoopArgs& args) = 0;

 protected:
  ~LbfgsTwoLoop() = default;
};

// The backend's fused recursion when it has one, else the ring ops.
void run_lbfgs_two_loop(Backend& backend, const LbfgsTwoLoopArgs& args);

}  // namespace nsrg
