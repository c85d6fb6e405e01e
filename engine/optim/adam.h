// AdamOptimizer: optim.adam (Kingma & Ba) with its moments in backend Tensors.
#pragma once

#include <string>
#include <vector>

#include "engine/core/backend.h"
#include "engine/optim/optimizer.h"

namespace nsrg {

class AdamOptimizer final : public Optimizer {
 public:
  AdamOptimizer(Backend& backend, const OptimizerSettings& settings, const Shape& variable_shape);

  // m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; x -= lr sqrt(1-b2^t)/(1-b1^t) m/(sqrt(v)+eps)
  void step(Tensor& x, const Tensor& grad, ScalarSlot loss) override;
  bool stopped() override { return false; }
  // m, v and the denominator: three tensors of the variable's shape.
  static std::vector<Shape> state_shapes(const Shape& variable_shape);
  std::string name() const override { return name_in(kOptimizerKindNames, OptimizerKind::Adam); }

 private:
  Backend& backend_;
  OptimizerSettings settings_;
  Shape variable_shape_;
  int iteration_ = 0;     // t
  Tensor first_moment_;   // m
  Tensor second_moment_;  // v
  Tensor denominator_;    // sqrt(v) + eps
};

}  // namespace nsrg
