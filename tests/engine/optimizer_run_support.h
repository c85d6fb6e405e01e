// The loss history of a few optimizer steps of the real objective, on any backend: the
// built-in VGG-19 to relu5_1, content relu4_2 (chelsea.png), style relu1_1..relu5_1
// (hubble_deep_field.jpg), the default loss weights, 64 px, the render's random start
// N(0,1) * 0.001. Shared by the CPU's float32-sensitivity test (tests/engine) and the
// CPU-vs-GPU optimizer parity test (tests/cuda), so both measure the very same run.
#pragma once

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/random_fill.h"
#include "engine/image/image.h"
#include "engine/image/image_output.h"
#include "engine/net/network.h"
#include "engine/net/objective.h"
#include "engine/net/targets.h"
#include "engine/optim/optimizer.h"
#include "weights/model.h"

namespace nsrg::testing {

// The settings a render uses for `kind` (Adam: lr 10, for images in [0, 255] space).
inline OptimizerSettings render_settings(OptimizerSettings::Kind kind) {
  OptimizerSettings settings;
  settings.kind = kind;
  settings.learning_rate = kind == OptimizerSettings::Kind::Adam ? 10.0f : 1.0f;
  return settings;
}

// The real objective of a render, set up on `backend`: the model's network, the content
// features and style Grams captured from the two example images at `size` px, and the
// objective with the default weights.
class ExampleObjective {
 public:
  ExampleObjective(Backend& backend, const Model& model, int size = 64)
      : network_(backend, model, PoolKind::Max) {
    const Image content_image = resize_longest_side(
        read_image(std::string(NSRG_SOURCE_DIR) + "/examples/images/chelsea.png"), size);
    const Image style_image = resize_longest_side(
        read_image(std::string(NSRG_SOURCE_DIR) + "/examples/images/hubble_deep_field.jpg"), size);
    const Tensor content = image_to_tensor(backend, content_image, model.preprocess);
    const Tensor style = image_to_tensor(backend, style_image, model.preprocess);
    const std::vector<std::string> style_layers{"relu1_1", "relu2_1", "relu3_1", "relu4_1",
                                                "relu5_1"};
    content_targets_ = capture_features(backend, network_, content, {"relu4_2"});
    style_targets_ = capture_grams(backend, network_, {&style}, {1.0f}, style_layers);
    std::map<std::string, const Tensor*> content_ptr, style_ptr;
    for (auto& [layer, t] : content_targets_) content_ptr[layer] = &t;
    for (auto& [layer, t] : style_targets_) style_ptr[layer] = &t;
    objective_ = std::make_unique<StyleObjective>(backend, network_, ObjectiveWeights{},
                                                  content_ptr, style_ptr);
    shape_ = content.shape();
  }

  StyleObjective& objective() { return *objective_; }
  Network& network() { return network_; }
  const Shape& shape() const { return shape_; }

  // The render's random start N(0,1) * 0.001, every element times (1 + relative_perturbation).
  std::vector<float> start_image(double relative_perturbation = 0.0) const {
    std::vector<float> start(shape_.numel());
    fill_normals(RandomStream{7, 0, 0, RandomPurpose::InitImage}, 0.001f, start.data(),
                 start.size());
    for (float& value : start) value = float(double(value) * (1.0 + relative_perturbation));
    return start;
  }

 private:
  Network network_;
  std::map<std::string, Tensor> content_targets_, style_targets_;
  std::unique_ptr<StyleObjective> objective_;
  Shape shape_;
};

// Total loss at evaluations 1..steps. Every element of the start image is multiplied by
// (1 + relative_perturbation): 0 for the reference run, ~1e-6 (a few float32 ulps) to
// measure how far rounding-level differences carry over `steps` steps. With `final_point`
// the point after the last step is returned in it.
inline std::vector<double> optimizer_loss_history(Backend& backend, const Model& model,
                                                  const OptimizerSettings& settings, int steps,
                                                  double relative_perturbation = 0.0,
                                                  std::vector<float>* final_point = nullptr) {
  ExampleObjective example(backend, model);
  const Shape shape = example.shape();
  const std::vector<float> start = example.start_image(relative_perturbation);
  Tensor x = backend.from_host(shape, start.data());
  Tensor grad = backend.empty(shape);
  auto optimizer = make_optimizer(backend, settings, shape);
  std::vector<double> history;
  for (int k = 0; k < steps; ++k) {
    example.objective().evaluate(x, grad);
    history.push_back(example.objective().read_losses().total);
    optimizer->step(x, grad, example.objective().total_slot());
  }
  if (final_point != nullptr) *final_point = backend.to_host(x);
  return history;
}

// max over k of |a[k] - b[k]| / |b[k]|.
inline double largest_relative_difference(const std::vector<double>& a,
                                          const std::vector<double>& b) {
  double largest = a.size() == b.size() ? 0.0 : INFINITY;
  for (size_t k = 0; k < a.size() && k < b.size(); ++k) {
    largest = std::max(largest, std::fabs(a[k] - b[k]) / std::max(std::fabs(b[k]), 1e-30));
  }
  return largest;
}

// The best total loss reached by each evaluation (the running minimum of `history`).
inline std::vector<double> best_so_far(std::vector<double> history) {
  for (size_t k = 1; k < history.size(); ++k) history[k] = std::min(history[k], history[k - 1]);
  return history;
}

// How far two runs' progress differs: the largest relative difference of their best losses
// so far. L-BFGS without a line search (neural-style's setting) takes trial steps that
// overshoot: at 64 px one evaluation of the default run lands 75x above the loss before it.
// The loss at such a point depends steeply on the step's exact length, so rounding moves it
// far more than it moves the run's progress (measured: 5.9e-3 at the overshoot, 8e-4
// elsewhere); the best loss so far is what the run delivers and passes over the excursion.
inline double run_difference(const std::vector<double>& a, const std::vector<double>& b) {
  return largest_relative_difference(best_so_far(a), best_so_far(b));
}

// |a[0] - b[0]| / |b[0]|: the first evaluation, where both runs evaluate the same start image
// (infinity when either history is empty).
inline double first_evaluation_difference(const std::vector<double>& a,
                                          const std::vector<double>& b) {
  if (a.empty() || b.empty()) return INFINITY;
  return std::fabs(a.front() - b.front()) / std::max(std::fabs(b.front()), 1e-30);
}

// Whether a run made progress: its best loss fell below 0.9 x its first (a run that only
// overshoots, or never moves, does not).
inline bool run_optimizes(const std::vector<double>& history) {
  return !history.empty() && best_so_far(history).back() < 0.9 * history.front();
}

}  // namespace nsrg::testing
