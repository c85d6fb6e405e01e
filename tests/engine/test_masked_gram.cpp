// A region's masked (guided) Gram: the Gram, the style term's gradient through the mask
// (against float64 finite differences of a float64 reference written here), the masks at
// each layer (average pooling through the network's pools), a region's style images' Grams
// over their style masks, and the objective's region terms (a mask of ones is the plain
// style term; a grey mask's gradient against finite differences).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/core/error.h"
#include "engine/cpu/cpu_backend.h"
#include "engine/net/masked_gram.h"
#include "engine/net/network.h"
#include "engine/net/objective.h"
#include "engine/net/targets.h"
#include "tests/cpu/cpu_test_support.h"
#include "tests/engine/small_network_support.h"

namespace nsrg::test {
namespace {

// G = sum_p m_p^2 f_p f_p^T / (C sum_p m_p^2), in double.
std::vector<double> reference_masked_gram(const std::vector<float>& f, const std::vector<float>& m,
                                          int channels) {
  const size_t pixels = m.size();
  double mass = 0;
  for (float v : m) mass += double(v) * v;
  std::vector<double> g(size_t(channels) * channels);
  for (int i = 0; i < channels; ++i)
    for (int j = 0; j < channels; ++j) {
      double sum = 0;
      for (size_t p = 0; p < pixels; ++p)
        sum += double(f[i * pixels + p]) * m[p] * double(f[j * pixels + p]) * m[p];
      g[size_t(i) * channels + j] = sum / (channels * mass);
    }
  return g;
}

// A grey mask with a hole (zeros) and a full part, so every case of a weight occurs.
std::vector<float> grey_mask(size_t pixels, unsigned seed) {
  std::vector<float> m = random_values(pixels, seed, 0.0f, 1.0f);
  for (size_t p = 0; p < pixels; p += 4) m[p] = 0.0f;
  for (size_t p = 1; p < pixels; p += 5) m[p] = 1.0f;
  return m;
}

TEST_F(CpuBackendTest, MaskedGramMatchesFloat64Reference) {
  const Shape shape{1, 7, 5, 6};
  const size_t pixels = size_t(shape.h) * shape.w;
  const std::vector<float> f = random_values(shape.numel(), 51);
  const std::vector<float> m = grey_mask(pixels, 52);
  double mass = 0;
  for (float v : m) mass += double(v) * v;
  Tensor tf = tensor(shape, f), tm = tensor({1, 1, shape.h, shape.w}, m);
  Tensor masked = backend->empty(shape), gram = backend->empty({1, 1, shape.c, shape.c});
  masked_gram(*backend, tf, tm, masked_gram_scale(shape.c, mass), masked, gram);
  EXPECT_LT(relative_error(host(gram), reference_masked_gram(f, m, shape.c)), 1e-5);
}

TEST(MaskedGramScale, IsThePlainGramScaleForAMaskOfOnes) {
  EXPECT_EQ(masked_gram_scale(64, 9.0 * 11.0), float(1.0 / (64.0 * 99.0)));
  EXPECT_THROW(masked_gram_scale(64, 0.0), InternalError);
}

// The region's style term w * sum((G - A)^2) / C^2 as the objective computes it (mse_loss,
// then masked_gram_backward; the weight applied as add_weighted_gradient applies it) against
// central differences of the same term in float64.
TEST_F(CpuBackendTest, MaskedStyleTermGradientMatchesFiniteDifferences) {
  const Shape shape{1, 5, 4, 6};
  const int c = shape.c;
  const size_t pixels = size_t(shape.h) * shape.w;
  const float weight = 3.0f;
  const std::vector<float> f = random_values(shape.numel(), 61);
  const std::vector<float> m = grey_mask(pixels, 62);
  const std::vector<float> a = random_values(size_t(c) * c, 63, -0.05f, 0.05f);
  double mass = 0;
  for (float v : m) mass += double(v) * v;
  const float scale = masked_gram_scale(c, mass);
  Tensor tf = tensor(shape, f), tm = tensor({1, 1, shape.h, shape.w}, m);
  Tensor ta = tensor({1, 1, c, c}, a);
  Tensor masked = backend->empty(shape), scratch = backend->empty(shape);
  Tensor gram = backend->empty({1, 1, c, c}), dgram = backend->empty({1, 1, c, c});
  Tensor loss = backend->zeros({1, 1, 1, 1});
  masked_gram(*backend, tf, tm, scale, masked, gram);
  backend->mse_loss(gram, ta, weight, {&loss, 0}, dgram);
  masked_gram_backward(*backend, masked, tm, dgram, scale, scratch);
  std::vector<float> analytic = host(masked);
  for (float& g : analytic) g *= weight;

  auto reference_loss = [&](const std::vector<float>& point) {
    const std::vector<double> g = reference_masked_gram(point, m, c);
    double sum = 0;
    for (size_t i = 0; i < g.size(); ++i) sum += (g[i] - a[i]) * (g[i] - a[i]);
    return weight * sum / (double(c) * c);
  };
  EXPECT_NEAR(backend->read_scalar(loss, 0), reference_loss(f), 1e-5 * reference_loss(f));
  expect_gradient_matches(reference_loss, f, analytic, 1e-2, 1e-4, 120);
  // Positions outside the mask get no gradient at all.
  for (size_t i = 0; i < analytic.size(); ++i)
    if (m[i % pixels] == 0.0f) ASSERT_EQ(analytic[i], 0.0f) << i;
}

// small_model: conv_a relu_a pool (2x2, stride 2, ceil) conv_b relu_b. The mask reaches relu_a
// as it is and relu_b as 2x2 averages (ceil mode: the last row's windows are cut short).
TEST(LayerMasks, FollowTheNetworksPoolsByAveraging) {
  auto backend = make_cpu_backend();
  Network network(*backend, small_model(LayerType::MaxPool), PoolKind::Max);
  const int h = 5, w = 6;
  const std::vector<float> m = grey_mask(size_t(h) * w, 71);
  const auto masks = layer_masks(*backend, network, m, h, w, {"relu_a", "relu_b"}, "mask.png");
  ASSERT_EQ(masks.size(), 2u);
  EXPECT_EQ(backend->to_host(masks.at("relu_a").mask), m);
  const std::vector<float> pooled = backend->to_host(masks.at("relu_b").mask);
  ASSERT_EQ(masks.at("relu_b").mask.shape(), (Shape{1, 1, 3, 3}));
  double mass = 0;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      double sum = 0;
      int count = 0;
      for (int y = 2 * i; y < std::min(h, 2 * i + 2); ++y)
        for (int x = 2 * j; x < std::min(w, 2 * j + 2); ++x, ++count) sum += m[y * w + x];
      EXPECT_NEAR(pooled[i * 3 + j], sum / count, 1e-6) << i << "," << j;
      mass += double(pooled[i * 3 + j]) * pooled[i * 3 + j];
    }
  EXPECT_NEAR(masks.at("relu_b").mass, mass, 1e-9);
}

TEST(LayerMasks, AMaskWithoutMassIsAUserError) {
  auto backend = make_cpu_backend();
  Network network(*backend, small_model(LayerType::MaxPool), PoolKind::Max);
  const std::vector<float> zeros(20, 0.0f);
  try {
    layer_masks(*backend, network, zeros, 4, 5, {"relu_b"}, "sky.png");
    FAIL() << "no error";
  } catch (const UserError& error) {
    EXPECT_NE(std::string(error.what()).find("sky.png: the mask has no mass at layer"),
              std::string::npos)
        << error.what();
  }
}

// A region's style images with style_masks: capture_grams takes each image's Gram over its
// masked features (its mask brought to each layer by layer_masks) and blends them; against
// the float64 reference of each image's features and mask, blended in double.
TEST(MaskedStyleGrams, MatchFloat64ReferenceOfEachImagesMaskedFeatures) {
  auto backend = make_cpu_backend();
  Network network(*backend, small_model(LayerType::MaxPool), PoolKind::Max);
  const std::vector<std::string> layers = {"relu_a", "relu_b"};
  const Shape shapes[2] = {{1, 3, 9, 11}, {1, 3, 6, 8}};
  const std::vector<float> blend = {0.25f, 0.75f};
  std::vector<Tensor> images;
  std::vector<LayerMasks> masks;
  for (int i = 0; i < 2; ++i) {
    const HostTensor pixels =
        random_host({1, 3, shapes[i].h, shapes[i].w}, uint32_t(100 + i), 1.0f);
    images.push_back(backend->from_host(shapes[i], pixels.data.data()));
    masks.push_back(layer_masks(*backend, network,
                                grey_mask(size_t(shapes[i].h) * shapes[i].w, 110 + i), shapes[i].h,
                                shapes[i].w, layers, "style mask"));
  }
  const auto grams =
      capture_grams(*backend, network, {&images[0], &images[1]}, blend, layers, 0, masks);
  for (const std::string& layer : layers) {
    std::vector<double> expected;
    for (int i = 0; i < 2; ++i) {
      const auto captured = capture_features(*backend, network, images[i], {layer});
      const Tensor& features = captured.at(layer);
      const std::vector<double> gram =
          reference_masked_gram(backend->to_host(features),
                                backend->to_host(masks[i].at(layer).mask), features.shape().c);
      expected.resize(gram.size(), 0.0);
      for (size_t k = 0; k < gram.size(); ++k) expected[k] += blend[i] * gram[k];
    }
    EXPECT_LT(relative_error(backend->to_host(grams.at(layer)), expected), 1e-5) << layer;
  }
  // Masks of ones are the plain Grams.
  std::vector<LayerMasks> ones;
  for (const Shape& shape : shapes)
    ones.push_back(layer_masks(*backend, network,
                               std::vector<float>(size_t(shape.h) * shape.w, 1.0f), shape.h,
                               shape.w, layers, "ones"));
  const auto plain = capture_grams(*backend, network, {&images[0], &images[1]}, blend, layers);
  const auto masked_ones =
      capture_grams(*backend, network, {&images[0], &images[1]}, blend, layers, 0, ones);
  for (const std::string& layer : layers)
    EXPECT_LT(
        relative_error(backend->to_host(masked_ones.at(layer)), backend->to_host(plain.at(layer))),
        1e-6)
        << layer;
}

struct RegionObjectiveCase {
  Network network;
  std::map<std::string, Tensor> content, grams;
  std::map<std::string, const Tensor*> content_targets, style_targets;
  Tensor image;
  RegionObjectiveCase(Backend& backend, const Shape& shape)
      : network(backend, small_model(LayerType::MaxPool), PoolKind::Max) {
    const HostTensor content_host = random_host({1, 3, shape.h, shape.w}, 80, 1.0f);
    const HostTensor style_host = random_host({1, 3, 10, 8}, 81, 1.0f);
    Tensor content_t = backend.from_host(shape, content_host.data.data());
    Tensor style_t = backend.from_host({1, 3, 10, 8}, style_host.data.data());
    content = capture_features(backend, network, content_t, {"relu_b"});
    grams = capture_grams(backend, network, {&style_t}, {1.0f}, {"relu_a", "relu_b"});
    for (auto& [k, v] : content) content_targets[k] = &v;
    for (auto& [k, v] : grams) style_targets[k] = &v;
    const HostTensor x = random_host({1, 3, shape.h, shape.w}, 82, 1.0f);
    image = backend.from_host(shape, x.data.data());
  }
};

// A region whose mask is all ones is the plain style term: the same losses and gradient.
TEST(RegionObjective, AMaskOfOnesIsThePlainStyleTerm) {
  auto backend = make_cpu_backend();
  const Shape shape{1, 3, 9, 11};
  RegionObjectiveCase setup(*backend, shape);
  const std::vector<float> ones(size_t(shape.h) * shape.w, 1.0f);
  const auto masks =
      layer_masks(*backend, setup.network, ones, shape.h, shape.w, {"relu_a", "relu_b"}, "ones");
  std::vector<RegionStyleTarget> regions;
  for (const char* layer : {"relu_a", "relu_b"})
    regions.push_back({layer, &masks.at(layer), setup.style_targets.at(layer), 1.0f});
  ObjectiveWeights weights;
  StyleObjective plain(*backend, setup.network, weights, setup.content_targets,
                       setup.style_targets);
  Tensor plain_grad = backend->empty(shape);
  plain.evaluate(setup.image, plain_grad);
  const LossValues plain_losses = plain.read_losses();
  StyleObjective masked(*backend, setup.network, weights, setup.content_targets, {}, regions);
  Tensor masked_grad = backend->empty(shape);
  masked.evaluate(setup.image, masked_grad);
  const LossValues masked_losses = masked.read_losses();
  EXPECT_NEAR(masked_losses.style, plain_losses.style, 1e-6 * plain_losses.style);
  EXPECT_NEAR(masked_losses.total, plain_losses.total, 1e-6 * plain_losses.total);
  EXPECT_LT(relative_error(backend->to_host(masked_grad), backend->to_host(plain_grad)), 1e-5);
}

// Two overlapping grey regions with their own weights: the objective's gradient against
// central differences of its own loss along random directions.
TEST(RegionObjective, GreyRegionsGradientMatchesFiniteDifferences) {
  auto backend = make_cpu_backend();
  const Shape shape{1, 3, 9, 11};
  RegionObjectiveCase setup(*backend, shape);
  const size_t pixels = size_t(shape.h) * shape.w;
  const auto masks_a = layer_masks(*backend, setup.network, grey_mask(pixels, 91), shape.h, shape.w,
                                   {"relu_a", "relu_b"}, "a");
  const auto masks_b = layer_masks(*backend, setup.network, grey_mask(pixels, 92), shape.h, shape.w,
                                   {"relu_b"}, "b");
  const std::vector<RegionStyleTarget> regions = {
      {"relu_a", &masks_a.at("relu_a"), setup.style_targets.at("relu_a"), 1.0f},
      {"relu_b", &masks_a.at("relu_b"), setup.style_targets.at("relu_b"), 1.0f},
      {"relu_b", &masks_b.at("relu_b"), setup.style_targets.at("relu_b"), 2.5f}};
  ObjectiveWeights weights;
  weights.content = 2.0f;
  weights.style = 50.0f;
  weights.tv = 0.01f;
  StyleObjective objective(*backend, setup.network, weights, setup.content_targets, {}, regions);
  Tensor grad = backend->empty(shape);
  objective.evaluate(setup.image, grad);
  const std::vector<float> g = backend->to_host(grad);
  const std::vector<float> x0 = backend->to_host(setup.image);
  const LossValues at_x = objective.read_losses();
  EXPECT_GT(at_x.style, 0.0);
  EXPECT_NEAR(at_x.total, at_x.content + at_x.style + at_x.tv, 1e-5 * std::fabs(at_x.total));
  expect_directional_derivatives(*backend, objective, x0, shape, g, 95);
}

}  // namespace
}  // namespace nsrg::test
