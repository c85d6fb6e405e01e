// make_optimizer: validates the settings and creates the L-BFGS or Adam optimizer.
#include "engine/optim/optimizer.h"

#include <cmath>

#include "engine/core/error.h"
#include "engine/optim/adam.h"
#include "engine/optim/lbfgs.h"

namespace nsrg {

namespace {

void validate(const OptimizerSettings& s) {
  NSRG_REQUIRE(std::isfinite(s.learning_rate) && s.learning_rate > 0.0f,
               "optimizer.learning_rate: must be > 0 (got ", s.learning_rate, ")");
  if (s.kind == OptimizerSettings::Kind::Lbfgs) {
    NSRG_REQUIRE(s.history >= 1, "optimizer.history: must be >= 1 (got ", s.history, ")");
    NSRG_REQUIRE(!std::isnan(s.tol_x), "optimizer.tol_x: must be a number");
  } else {
    NSRG_REQUIRE(s.beta1 >= 0.0f && s.beta1 < 1.0f, "optimizer.beta1: must be in [0, 1) (got ",
                 s.beta1, ")");
    NSRG_REQUIRE(s.beta2 >= 0.0f && s.beta2 < 1.0f, "optimizer.beta2: must be in [0, 1) (got ",
                 s.beta2, ")");
    NSRG_REQUIRE(std::isfinite(s.epsilon) && s.epsilon > 0.0f,
                 "optimizer.epsilon: must be > 0 (got ", s.epsilon, ")");
  }
}

}  // namespace

size_t history_value_bytes(HistoryPrecision precision) {
  return precision == HistoryPrecision::Fp32 ? 4 : 2;
}

std::vector<Shape> optimizer_state_shapes(const OptimizerSettings& settings,
                                          const Shape& variable_shape) {
  if (settings.kind == OptimizerSettings::Kind::Adam)
    return AdamOptimizer::state_shapes(variable_shape);
  return LbfgsOptimizer::state_shapes(settings, variable_shape);
}

size_t optimizer_state_bytes(const OptimizerSettings& settings, const Shape& variable_shape) {
  size_t bytes = 0;
  for (const Shape& shape : optimizer_state_shapes(settings, variable_shape))
    bytes += shape.numel() * sizeof(float);
  return bytes;
}

std::unique_ptr<Optimizer> make_optimizer(Backend& backend, const OptimizerSettings& settings,
                                          const Shape& variable_shape) {
  validate(settings);
  NSRG_CHECK(variable_shape.numel() > 0, "optimizer variable shape ", variable_shape.str());
  if (settings.kind == OptimizerSettings::Kind::Adam)
    return std::make_unique<AdamOptimizer>(backend, settings, variable_shape);
  return std::make_unique<LbfgsOptimizer>(backend, settings, variable_shape);
}

}  // namespace nsrg
