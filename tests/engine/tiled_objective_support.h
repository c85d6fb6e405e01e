// The objective of a tiled-evaluation case (tests/engine/test_tiled_objective.cpp, and the
// CUDA parity test tests/cuda/test_cuda_tiled_objective.cpp): the built-in VGG-19 up to a
// chosen layer, the example images as content and style, evaluated once at a forming picture
// (the content image plus noise) whole or tile by tile, on any backend.
#pragma once

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "engine/core/philox.h"
#include "engine/image/image.h"
#include "engine/image/image_output.h"
#include "engine/net/network.h"
#include "engine/net/objective.h"
#include "engine/net/targets.h"
#include "weights/model.h"

namespace nsrg::testing {

struct TiledCase {
  const char* name;
  std::string deepest, content;
  std::vector<std::string> styles;
  PoolKind pooling;
  bool ceil_mode;
  int height, width;
  std::vector<int> tile_sizes;
  bool normalize_gradients = false;  // loss.normalize_gradients (the tiled norm pass)
};

struct Evaluation {
  LossValues losses;
  std::vector<float> gradient;
};

// The objective of `c` on `backend` evaluated at a forming picture (the content image plus
// noise), whole (tile_size 0) or tiled, with the default weights (and normalize_gradients as
// the case says).
inline Evaluation evaluate_case(Backend& backend, const TiledCase& c, int tile_size) {
  Model model = load_model("builtin:vgg19-random", c.deepest);
  for (LayerSpec& layer : model.layers) layer.pool.ceil_mode = c.ceil_mode;
  Network network(backend, model, c.pooling);
  const Image content_image = resize(
      read_image(std::string(NSRG_SOURCE_DIR) + "/examples/images/chelsea.png"), c.width, c.height);
  const Image style_image = resize_longest_side(
      read_image(std::string(NSRG_SOURCE_DIR) + "/examples/images/hubble_deep_field.jpg"), 64);
  const Tensor content = image_to_tensor(backend, content_image, model.preprocess);
  const Tensor style = image_to_tensor(backend, style_image, model.preprocess);
  auto content_targets = capture_features(backend, network, content, {c.content});
  auto style_targets = capture_grams(backend, network, {&style}, {1.0f}, c.styles);
  std::map<std::string, const Tensor*> content_ptr, style_ptr;
  for (auto& [layer, t] : content_targets) content_ptr[layer] = &t;
  for (auto& [layer, t] : style_targets) style_ptr[layer] = &t;
  ObjectiveWeights weights;
  weights.normalize_gradients = c.normalize_gradients;
  StyleObjective objective(backend, network, weights, content_ptr, style_ptr);
  objective.set_tile_size(tile_size);

  std::vector<float> picture = backend.to_host(content);
  const RandomStream stream{3, 0, 0, RandomPurpose::Test};
  for (size_t i = 0; i < picture.size(); ++i) picture[i] += 20.0f * stream.normal(i);
  Tensor x = backend.from_host(content.shape(), picture.data());
  Tensor grad = backend.empty(content.shape());
  objective.evaluate(x, grad);
  return {objective.read_losses(), backend.to_host(grad)};
}

inline double relative(double a, double b) {
  return std::fabs(a - b) / std::max(std::fabs(b), 1e-30);
}

// ||a - b|| / ||b||, in double.
inline double relative_l2(const std::vector<float>& a, const std::vector<float>& b) {
  double difference = 0, norm = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    difference += (double(a[i]) - b[i]) * (double(a[i]) - b[i]);
    norm += double(b[i]) * b[i];
  }
  return a.size() == b.size() ? std::sqrt(difference / norm) : INFINITY;
}

}  // namespace nsrg::testing
