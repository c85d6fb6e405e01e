// The objective tests' small random network (conv_a(3->6) relu_a pool conv_b(6->8) relu_b
// with Philox weights), random host tensors, and the check of an objective's gradient by
// directional derivatives.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "engine/core/philox.h"
#include "engine/net/objective.h"
#include "weights/model.h"

namespace nsrg {

inline HostTensor random_host(std::vector<int64_t> shape, uint32_t layer, float scale) {
  HostTensor t;
  t.shape = shape;
  size_t n = 1;
  for (int64_t d : shape) n *= size_t(d);
  const RandomStream stream{99, 0, layer, RandomPurpose::Test};
  t.data.resize(n);
  for (size_t i = 0; i < n; ++i) t.data[i] = stream.normal(i) * scale;
  return t;
}

// conv_a(3->6) relu_a pool conv_b(6->8) relu_b
inline Model small_model(LayerType pool_type) {
  Model m;
  LayerSpec conv_a;
  conv_a.name = "conv_a";
  conv_a.type = LayerType::Conv;
  conv_a.conv = ConvGeometry{3, 6, 3, 3, 1, 1, 1, 1};
  LayerSpec relu_a{"relu_a", LayerType::Relu, {}, {}};
  LayerSpec pool;
  pool.name = "pool";
  pool.type = pool_type;
  pool.pool.kind = pool_type == LayerType::MaxPool ? PoolKind::Max : PoolKind::Average;
  pool.pool.ceil_mode = true;
  LayerSpec conv_b;
  conv_b.name = "conv_b";
  conv_b.type = LayerType::Conv;
  conv_b.conv = ConvGeometry{6, 8, 3, 3, 1, 1, 1, 1};
  LayerSpec relu_b{"relu_b", LayerType::Relu, {}, {}};
  m.layers = {conv_a, relu_a, pool, conv_b, relu_b};
  m.tensors["conv_a.weight"] = random_host({6, 3, 3, 3}, 1, 0.3f);
  m.tensors["conv_a.bias"] = random_host({6}, 2, 0.1f);
  m.tensors["conv_b.weight"] = random_host({8, 6, 3, 3}, 3, 0.3f);
  m.tensors["conv_b.bias"] = random_host({8}, 4, 0.1f);
  return m;
}

// The objective's gradient `gradient` at x0 ([1,3,h,w] `shape`) against central differences
// of its total loss along four random directions (Philox streams first_seed..first_seed+3).
// A random network with max pooling is kinked at many places (ReLU zeros, window maxima
// switching), so the step must be small; the losses are small too (tv 0.01), which keeps
// float32 rounding of the difference (about 2e-3 here) below the tolerance.
inline void expect_directional_derivatives(Backend& backend, StyleObjective& objective,
                                           const std::vector<float>& x0, const Shape& shape,
                                           const std::vector<float>& gradient,
                                           uint32_t first_seed) {
  Tensor probe = backend.empty(shape);
  Tensor scratch_grad = backend.empty(shape);
  for (uint32_t d = 0; d < 4; ++d) {
    const HostTensor v = random_host({1, 3, shape.h, shape.w}, first_seed + d, 1.0f);
    double analytic = 0;
    for (size_t i = 0; i < gradient.size(); ++i) analytic += double(gradient[i]) * v.data[i];
    const double h = 1e-4;
    auto loss_at = [&](double step) {
      std::vector<float> moved(x0);
      for (size_t i = 0; i < moved.size(); ++i) moved[i] += float(step * v.data[i]);
      backend.upload(moved.data(), probe);
      objective.evaluate(probe, scratch_grad);
      return objective.read_losses().total;
    };
    const double numeric = (loss_at(h) - loss_at(-h)) / (2 * h);
    EXPECT_NEAR(analytic, numeric, 2e-3 * (std::fabs(numeric) + std::fabs(analytic)) + 3e-3)
        << "direction " << d;
  }
}

}  // namespace nsrg
