// The optimizer interface the render loop drives: L-BFGS (torch/optim lbfgs.lua without a
// line search, as neural-style uses it) and Adam (optim.adam), both written once against
// the Backend with all their state in backend Tensors, so a step needs no host read.
//
// The render loop is: for k = 1..N { evaluate f and g at x (evaluation k); report;
// optimizer.step(x, g, f); } and saves the final x: N evaluations and N steps.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/core/backend.h"
#include "engine/core/enum_names.h"
#include "engine/core/tensor.h"

namespace nsrg {

enum class OptimizerKind { Lbfgs, Adam };
// The names of optimizer.kind (and Optimizer::name()).
inline constexpr NamedValue<OptimizerKind> kOptimizerKindNames[] = {{OptimizerKind::Lbfgs, "lbfgs"},
                                                                    {OptimizerKind::Adam, "adam"}};

// How L-BFGS stores its history of (s, y) pairs: float32, or bfloat16 (rounded to nearest
// even; half the memory; float32's range). Everything else stays float32. IEEE half is not
// offered: its largest value, 65504, is far below the gradients of typical style losses.
enum class HistoryPrecision { Fp32, Bf16 };

// The names of optimizer.history_precision.
inline constexpr NamedValue<HistoryPrecision> kHistoryPrecisionNames[] = {
    {HistoryPrecision::Fp32, "fp32"}, {HistoryPrecision::Bf16, "bf16"}};
size_t history_value_bytes(HistoryPrecision precision);  // 4 or 2

struct OptimizerSettings {
  using Kind = OptimizerKind;
  Kind kind = Kind::Lbfgs;
  float learning_rate = 1.0f;
  int history = 100;  // L-BFGS m: (s, y) pairs kept
  HistoryPrecision history_precision = HistoryPrecision::Fp32;
  float tol_x = -1.0f;  // L-BFGS: stop when g.d > -tol_x (checked before each step)
  float beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-8f;  // Adam
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  // One step. `grad` and `loss` are the gradient and loss at the current x (evaluation k
  // was just done by the caller); moves x to the next point. Never reads device memory on
  // the host (no synchronisation).
  virtual void step(Tensor& x, const Tensor& grad, ScalarSlot loss) = 0;
  // True once L-BFGS hit its stopping rule (g.d > -tol_x before a step; x is no longer
  // moved). Reads a device flag: call only at print/save points. Always false for Adam.
  virtual bool stopped() = 0;
  virtual std::string name() const = 0;  // "lbfgs" or "adam"
};

// The shapes of the state tensors the optimizer of `settings` allocates for a variable of
// `variable_shape`, in the order it allocates them (the memory plan counts these).
std::vector<Shape> optimizer_state_shapes(const OptimizerSettings& settings,
                                          const Shape& variable_shape);
// Their bytes.
size_t optimizer_state_bytes(const OptimizerSettings& settings, const Shape& variable_shape);

// An optimizer for a variable of `variable_shape` whose state lives on `backend` (which
// must outlive it). Bad settings are a UserError naming the optimizer.* key.
std::unique_ptr<Optimizer> make_optimizer(Backend& backend, const OptimizerSettings& settings,
                                          const Shape& variable_shape);

}  // namespace nsrg
