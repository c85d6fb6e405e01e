// The whole objective (network forward, content + style + TV losses, backward to the image)
// checked against central finite differences of its loss, on a small random network; and
// the loss values against a direct recomputation from the network's activations.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/cpu/cpu_backend.h"
#include "engine/net/network.h"
#include "engine/net/objective.h"
#include "engine/net/targets.h"
#include "tests/engine/small_network_support.h"

namespace nsrg {
namespace {

struct Case {
  LayerType pool;
  bool normalize;
};

class ObjectiveGradient : public ::testing::TestWithParam<Case> {};

TEST_P(ObjectiveGradient, MatchesFiniteDifferences) {
  auto backend = make_cpu_backend();
  const Model model = small_model(GetParam().pool);
  Network network(*backend, model, PoolKind::Max);
  const Shape shape{1, 3, 9, 11};  // odd sizes exercise ceil pooling
  const HostTensor content = random_host({1, 3, 9, 11}, 10, 1.0f);
  const HostTensor style = random_host({1, 3, 12, 10}, 11, 1.0f);
  Tensor content_t = backend->from_host(shape, content.data.data());
  Tensor style_t = backend->from_host({1, 3, 12, 10}, style.data.data());
  auto content_targets = capture_features(*backend, network, content_t, {"relu_b"});
  auto style_grams = capture_grams(*backend, network, {&style_t}, {1.0f}, {"relu_a", "relu_b"});
  std::map<std::string, const Tensor*> ct, st;
  for (auto& [k, v] : content_targets) ct[k] = &v;
  for (auto& [k, v] : style_grams) st[k] = &v;
  ObjectiveWeights weights;
  weights.content = 2.0f;
  weights.style = 50.0f;
  weights.tv = 0.01f;
  weights.normalize_gradients = GetParam().normalize;
  StyleObjective objective(*backend, network, weights, ct, st);

  HostTensor x0 = random_host({1, 3, 9, 11}, 12, 1.0f);
  Tensor x = backend->from_host(shape, x0.data.data());
  Tensor grad = backend->empty(shape);
  objective.evaluate(x, grad);
  const std::vector<float> g = backend->to_host(grad);
  const LossValues at_x = objective.read_losses();
  EXPECT_NEAR(at_x.total, at_x.content + at_x.style + at_x.tv, 1e-5 * std::fabs(at_x.total));

  if (GetParam().normalize) {
    // Normalized gradients are not the loss's gradient; check only their scale: each
    // module's contribution has L1 norm equal to its weight, so the total is bounded.
    double l1 = 0;
    for (float v : g) l1 += std::fabs(v);
    EXPECT_GT(l1, 0.0);
    return;
  }
  expect_directional_derivatives(*backend, objective, x0.data, shape, g, 20);
}

INSTANTIATE_TEST_SUITE_P(Pools, ObjectiveGradient,
                         ::testing::Values(Case{LayerType::MaxPool, false},
                                           Case{LayerType::AvgPool, false},
                                           Case{LayerType::MaxPool, true}));

TEST(Objective, LossValuesMatchDefinitions) {
  auto backend = make_cpu_backend();
  const Model model = small_model(LayerType::MaxPool);
  Network network(*backend, model, PoolKind::Max);
  const Shape shape{1, 3, 8, 8};
  const HostTensor content = random_host({1, 3, 8, 8}, 30, 1.0f);
  Tensor content_t = backend->from_host(shape, content.data.data());
  auto targets = capture_features(*backend, network, content_t, {"relu_a"});
  auto grams = capture_grams(*backend, network, {&content_t}, {1.0f}, {"relu_b"});
  std::map<std::string, const Tensor*> ct{{"relu_a", &targets.at("relu_a")}};
  std::map<std::string, const Tensor*> st{{"relu_b", &grams.at("relu_b")}};
  ObjectiveWeights weights;
  weights.tv = 0.25f;
  StyleObjective objective(*backend, network, weights, ct, st);
  // At the content image itself: content and style losses are zero, TV is the image's.
  Tensor grad = backend->empty(shape);
  objective.evaluate(content_t, grad);
  const LossValues l = objective.read_losses();
  EXPECT_NEAR(l.content, 0.0, 1e-9);
  EXPECT_NEAR(l.style, 0.0, 1e-9);
  double tv = 0;
  auto at = [&](int c, int i, int j) { return double(content.data[(c * 8 + i) * 8 + j]); };
  for (int c = 0; c < 3; ++c)
    for (int i = 0; i < 7; ++i)
      for (int j = 0; j < 7; ++j)
        tv +=
            std::pow(at(c, i, j) - at(c, i, j + 1), 2) + std::pow(at(c, i, j) - at(c, i + 1, j), 2);
  EXPECT_NEAR(l.tv, 0.125 * tv, 1e-4 * tv);
}

}  // namespace
}  // namespace nsrg
