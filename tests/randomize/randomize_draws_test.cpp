// The distribution of the randomization draws over a large C (512): replace_eigenvectors
// normal (mean 0, variance 1) and uniform (mean 1/2, variance 1/12), the scale ranges, and
// random_gram's mean magnitude.
#include <gtest/gtest.h>

#include "engine/core/randomization.h"
#include "randomize_test_util.h"

namespace nsrg::test {
namespace {

constexpr int kLargeChannels = 512;

struct Moments {
  double mean = 0.0, variance = 0.0, min = 1e300, max = -1e300;
};

template <typename Draw>
Moments moments(Draw draw) {
  Moments m;
  double sum = 0.0, sum_squares = 0.0;
  const double count = double(kLargeChannels) * kLargeChannels;
  for (int i = 0; i < kLargeChannels; ++i) {
    for (int j = 0; j < kLargeChannels; ++j) {
      const double value = draw(i, j);
      sum += value;
      sum_squares += value * value;
      m.min = std::min(m.min, value);
      m.max = std::max(m.max, value);
    }
  }
  m.mean = sum / count;
  m.variance = sum_squares / count - m.mean * m.mean;
  return m;
}

GramRandomization replace_params(RandomDistribution distribution) {
  GramRandomization params;
  params.mode = RandomizeMode::ReplaceEigenvectors;
  params.distribution = distribution;
  params.seed = 42;
  params.layer_index = 4;
  return params;
}

// 262144 draws: the standard error of the mean is 1/512 of the standard deviation.
TEST(RandomizeDrawStatistics, ReplaceNormalHasMeanZeroVarianceOne) {
  const GramRandomization params = replace_params(RandomDistribution::Normal);
  const Moments m =
      moments([&](int i, int j) { return eigenvector_replace_draw(params, kLargeChannels, i, j); });
  EXPECT_NEAR(m.mean, 0.0, 0.01);
  EXPECT_NEAR(m.variance, 1.0, 0.015);
  EXPECT_LT(m.min, -3.5);
  EXPECT_GT(m.max, 3.5);
}

TEST(RandomizeDrawStatistics, ReplaceUniformHasMeanHalfVarianceTwelfth) {
  const GramRandomization params = replace_params(RandomDistribution::Uniform);
  const Moments m =
      moments([&](int i, int j) { return eigenvector_replace_draw(params, kLargeChannels, i, j); });
  EXPECT_NEAR(m.mean, 0.5, 0.003);
  EXPECT_NEAR(m.variance, 1.0 / 12.0, 0.0015);
  EXPECT_GE(m.min, 0.0);
  EXPECT_LT(m.max, 1.0);
}

TEST(RandomizeDrawStatistics, ScaleDrawsStayInTheirRange) {
  GramRandomization params;
  params.seed = 7;
  const Moments vectors =
      moments([&](int i, int j) { return eigenvector_scale_draw(params, kLargeChannels, i, j); });
  EXPECT_GE(vectors.min, 0.1f);
  EXPECT_LT(vectors.max, 1.9f);
  EXPECT_NEAR(vectors.mean, 1.0, 0.01);
  for (int j = 0; j < kLargeChannels; ++j) {
    const float value = eigenvalue_scale_draw(params, j);
    ASSERT_GE(value, 0.1f);
    ASSERT_LT(value, 1.9f);
  }
}

TEST(RandomizeDrawStatistics, RandomGramKeepsTheMeanMagnitude) {
  auto backend = make_test_backend();
  const int channels = 128;
  std::vector<float> gram = random_relu_gram(channels, 64, 5);
  gram[1] = gram[channels] = -gram[1];  // a negative entry: the mean is of magnitudes
  const Shape square{1, 1, channels, channels};
  Tensor matrix = backend->from_host(square, gram.data());
  Tensor target = backend->empty(square);
  GramRandomization params;
  params.mode = RandomizeMode::RandomGram;
  params.seed = 11;
  randomize_target(*backend, matrix, params, target);
  const std::vector<float> result = backend->to_host(target);
  double gram_magnitude = 0.0, result_magnitude = 0.0;
  for (size_t k = 0; k < gram.size(); ++k) {
    gram_magnitude += std::fabs(gram[k]);
    result_magnitude += std::fabs(result[k]);
    ASSERT_GE(result[k], 0.0f);
  }
  EXPECT_NEAR(result_magnitude / gram_magnitude, 1.0, 1e-5);
  for (int i = 0; i < channels; ++i)
    for (int j = 0; j < i; ++j)
      ASSERT_EQ(result[size_t(i) * channels + j], result[size_t(j) * channels + i]);
}

}  // namespace
}  // namespace nsrg::test
