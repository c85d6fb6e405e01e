// AdamOptimizer: optim.adam's update written with backend vector ops; the bias-corrected
// step size depends only on the step count, so the host computes it.
#include "engine/optim/adam.h"

#include <cmath>

#include "engine/core/error.h"

namespace nsrg {

AdamOptimizer::AdamOptimizer(Backend& backend, const OptimizerSettings& settings,
                             const Shape& variable_shape)
    : backend_(backend), settings_(settings), variable_shape_(variable_shape) {
  const std::vector<Shape> shapes = state_shapes(variable_shape);
  first_moment_ = backend.zeros(shapes[0]);
  second_moment_ = backend.zeros(shapes[1]);
  denominator_ = backend.zeros(shapes[2]);
}

std::vector<Shape> AdamOptimizer::state_shapes(const Shape& variable_shape) {
  return {variable_shape, variable_shape, variable_shape};
}

void AdamOptimizer::step(Tensor& x, const Tensor& grad, ScalarSlot /*loss*/) {
  const size_t numel = variable_shape_.numel();
  NSRG_CHECK(x.numel() == numel && grad.numel() == numel, "Adam step on ", x.shape().str(), " and ",
             grad.shape().str(), " for a variable of ", variable_shape_.str());
  Backend& b = backend_;
  ++iteration_;
  const double beta1 = settings_.beta1;
  const double beta2 = settings_.beta2;
  b.scale(float(beta1), first_moment_);
  b.axpy(float(1.0 - beta1), grad, first_moment_);
  b.scale(float(beta2), second_moment_);
  b.add_product(float(1.0 - beta2), grad, grad, second_moment_);
  b.sqrt_plus(second_moment_, settings_.epsilon, denominator_);
  const double bias_correction1 = 1.0 - std::pow(beta1, iteration_);
  const double bias_correction2 = 1.0 - std::pow(beta2, iteration_);
  const double step_size =
      double(settings_.learning_rate) * std::sqrt(bias_correction2) / bias_correction1;
  b.add_quotient(float(-step_size), first_moment_, denominator_, x);
}

}  // namespace nsrg
