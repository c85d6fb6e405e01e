// LbfgsOptimizer: L-BFGS as torch/optim lbfgs.lua runs it without a line search, with the
// whole state on the backend (see lbfgs.cpp for the layout and the ring of pairs).
#pragma once

#include <string>
#include <vector>

#include "engine/core/backend.h"
#include "engine/optim/optimizer.h"

namespace nsrg {

class LbfgsOptimizer final : public Optimizer {
 public:
  // settings.history >= 1 (make_optimizer validates the settings).
  LbfgsOptimizer(Backend& backend, const OptimizerSettings& settings, const Shape& variable_shape);

  void step(Tensor& x, const Tensor& grad, ScalarSlot loss) override;
  bool stopped() override;
  std::string name() const override { return name_in(kOptimizerKindNames, OptimizerKind::Lbfgs); }

  // Pairs accepted so far (y.s > 1e-10), evicted ones included. Reads the device.
  int accepted_pairs();

  // The state's shapes in the order the constructor allocates them: the s and y rings, the
  // ring of 1/(y.s), g_old, d, alpha, ro_new and the named scalar slots.
  static std::vector<Shape> state_shapes(const OptimizerSettings& settings,
                                         const Shape& variable_shape);

 private:
  // Builds the candidate pair (s, y) of this step, stores it in the ring row that is not in
  // use and counts it (and updates Hdiag) only if y.s > 1e-10.
  void update_history(const Tensor& grad);
  // d = -H g by the two-loop recursion over the pairs held.
  void two_loop_direction(const Tensor& grad);

  Coef slot(int index, float factor = 1.0f) const { return Coef(factor, scalars_, index); }
  ScalarSlot out(int index) { return ScalarSlot{&scalars_, index}; }
  RingRow ring_row(int offset) const;     // a row of ro_ring_ (float32)
  RingRow history_row(int offset) const;  // a row of s_ring_ / y_ring_ (float32 or bf16)

  Backend& backend_;
  float learning_rate_;
  int history_;
  float tol_x_;
  bool bf16_history_;
  Shape variable_shape_;
  int iteration_ = 0;  // step() calls so far (the host's k)

  Tensor s_ring_;   // [m+1, ...]: s = t d of each pair (bf16: [m+1,1,1,ceil(numel/2)])
  Tensor y_ring_;   // [m+1, ...]: y = g - g_old of each pair
  Tensor ro_ring_;  // [m+1]: 1 / (y . s) of each pair
  Tensor g_old_;    // gradient of the previous step; y of the candidate while it is built
  Tensor d_;        // [1, ...] direction; after a step t d, the next candidate's s
  Tensor alpha_;    // [m]: al_i of the two-loop, i = 0 the newest pair
  Tensor ro_new_;   // [1]: 1 / (y . s) of the candidate pair
  Tensor scalars_;  // named slots (lbfgs.cpp)
};

}  // namespace nsrg
