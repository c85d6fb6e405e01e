// make_optimizer: which optimizer each kind gives, and bad settings as UserErrors that name
// the optimizer.* key.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "engine/core/error.h"
#include "engine/cpu/cpu_backend.h"
#include "engine/optim/optimizer.h"

namespace nsrg {
namespace {

void expect_user_error(const OptimizerSettings& settings, const std::string& key) {
  auto backend = make_cpu_backend();
  try {
    make_optimizer(*backend, settings, Shape{1, 3, 4, 4});
    FAIL() << "no error for a bad " << key;
  } catch (const UserError& error) {
    EXPECT_NE(std::string(error.what()).find(key), std::string::npos) << error.what();
  }
}

TEST(OptimizerSettings, KindsGiveTheirOptimizers) {
  auto backend = make_cpu_backend();
  OptimizerSettings settings;
  EXPECT_EQ(make_optimizer(*backend, settings, Shape{1, 3, 4, 4})->name(), "lbfgs");
  settings.kind = OptimizerSettings::Kind::Adam;
  EXPECT_EQ(make_optimizer(*backend, settings, Shape{1, 3, 4, 4})->name(), "adam");
}

TEST(OptimizerSettings, BadValuesNameTheirKey) {
  OptimizerSettings lbfgs;
  OptimizerSettings adam;
  adam.kind = OptimizerSettings::Kind::Adam;
  auto with = [](OptimizerSettings s, const std::function<void(OptimizerSettings&)>& change) {
    change(s);
    return s;
  };
  expect_user_error(with(lbfgs, [](auto& s) { s.learning_rate = 0.0f; }),
                    "optimizer.learning_rate");
  expect_user_error(with(adam, [](auto& s) { s.learning_rate = -1.0f; }),
                    "optimizer.learning_rate");
  expect_user_error(with(lbfgs, [](auto& s) { s.history = 0; }), "optimizer.history");
  expect_user_error(with(adam, [](auto& s) { s.beta1 = 1.0f; }), "optimizer.beta1");
  expect_user_error(with(adam, [](auto& s) { s.beta2 = -0.1f; }), "optimizer.beta2");
  expect_user_error(with(adam, [](auto& s) { s.epsilon = 0.0f; }), "optimizer.epsilon");
}

TEST(OptimizerSettings, StepRejectsAVariableOfAnotherSize) {
  auto backend = make_cpu_backend();
  for (auto kind : {OptimizerSettings::Kind::Lbfgs, OptimizerSettings::Kind::Adam}) {
    OptimizerSettings settings;
    settings.kind = kind;
    auto optimizer = make_optimizer(*backend, settings, Shape{1, 1, 1, 4});
    Tensor x = backend->zeros(Shape{1, 1, 1, 5});
    Tensor g = backend->zeros(Shape{1, 1, 1, 5});
    Tensor loss = backend->zeros(Shape{1, 1, 1, 1});
    EXPECT_THROW(optimizer->step(x, g, ScalarSlot{&loss, 0}), InternalError);
  }
}

// The memory plan counts an optimizer's state by optimizer_state_bytes; the optimizer
// allocates by the same state_shapes, so the two agree to the byte for every kind and
// history precision.
TEST(OptimizerSettings, StateBytesAreWhatTheOptimizerAllocates) {
  const Shape variable{1, 3, 17, 23};
  for (OptimizerSettings::Kind kind :
       {OptimizerSettings::Kind::Lbfgs, OptimizerSettings::Kind::Adam})
    for (HistoryPrecision precision : {HistoryPrecision::Fp32, HistoryPrecision::Bf16}) {
      OptimizerSettings settings;
      settings.kind = kind;
      settings.history = 7;
      settings.history_precision = precision;
      auto backend = make_cpu_backend();
      const size_t before = backend->peak_memory_bytes();
      auto optimizer = make_optimizer(*backend, settings, variable);
      EXPECT_EQ(backend->peak_memory_bytes() - before, optimizer_state_bytes(settings, variable))
          << optimizer->name() << " history_precision " << int(precision);
    }
}

}  // namespace
}  // namespace nsrg
