// Backend::randomize_gram and randomize_target on the CPU: every mode against a naive
// reference built from the draw functions (with and without keep_energy), exactness of
// none / mix 0 / unit ranges,
// symmetry, eigenvector sign invariance and the seeding of the draws.
#include <gtest/gtest.h>

#include <cstring>

#include "engine/core/error.h"
#include "engine/core/randomization.h"
#include "randomize_test_util.h"

namespace nsrg::test {
namespace {

constexpr RandomizeMode kRandomModes[] = {
    RandomizeMode::ScaleEigenvectors, RandomizeMode::ReplaceEigenvectors, RandomizeMode::RandomGram,
    RandomizeMode::ScaleEigenvalues};

GramRandomization params_for(RandomizeMode mode, float mix = 1.0f) {
  GramRandomization params;
  params.mode = mode;
  params.mix = mix;
  params.seed = 0x1234567890abcdefull;
  params.variant = 3;
  params.layer_index = 2;
  return params;
}

// (1 - mix) A + mix A', with A' from the draw functions and naive loops in double.
std::vector<double> reference_target(const std::vector<float>& gram, const HostEigen& eigen,
                                     const GramRandomization& params, int channels) {
  const size_t count = size_t(channels) * channels;
  std::vector<double> values(eigen.values.begin(), eigen.values.end());
  std::vector<double> vectors(eigen.vectors.begin(), eigen.vectors.end());
  std::vector<double> randomized(count);
  switch (params.mode) {
    case RandomizeMode::None:
      for (size_t k = 0; k < count; ++k) randomized[k] = gram[k];
      break;
    case RandomizeMode::ScaleEigenvectors:
      for (int i = 0; i < channels; ++i)
        for (int j = 0; j < channels; ++j)
          vectors[size_t(i) * channels + j] *= eigenvector_scale_draw(params, channels, i, j);
      randomized = naive_rebuild(vectors, values, channels);
      break;
    case RandomizeMode::ReplaceEigenvectors:
      for (int i = 0; i < channels; ++i)
        for (int j = 0; j < channels; ++j)
          vectors[size_t(i) * channels + j] = eigenvector_replace_draw(params, channels, i, j);
      randomized = naive_rebuild(vectors, values, channels);
      break;
    case RandomizeMode::ScaleEigenvalues:
      for (int j = 0; j < channels; ++j) values[j] *= eigenvalue_scale_draw(params, j);
      randomized = naive_rebuild(vectors, values, channels);
      break;
    case RandomizeMode::RandomGram: {
      double gram_sum = 0.0, random_sum = 0.0;
      for (int i = 0; i < channels; ++i)
        for (int j = 0; j < channels; ++j) {
          randomized[size_t(i) * channels + j] =
              random_gram_draw(params, channels, std::min(i, j), std::max(i, j));
          random_sum += randomized[size_t(i) * channels + j];
          gram_sum += std::fabs(gram[size_t(i) * channels + j]);
        }
      for (double& value : randomized) value *= gram_sum / random_sum;
      break;
    }
  }
  if (params.keep_energy && params.mode != RandomizeMode::None) {
    // A' scaled to the trace of A (RandomGram: from R itself, whatever its first scale).
    double gram_trace = 0.0, randomized_trace = 0.0;
    for (int i = 0; i < channels; ++i) {
      gram_trace += gram[size_t(i) * channels + i];
      randomized_trace += randomized[size_t(i) * channels + i];
    }
    for (double& value : randomized) value *= gram_trace / randomized_trace;
  }
  std::vector<double> target(count);
  for (size_t k = 0; k < count; ++k)
    target[k] = (1.0 - params.mix) * gram[k] + params.mix * randomized[k];
  return target;
}

class RandomizeGram : public ::testing::Test {
 protected:
  static constexpr int kChannels = 48;
  std::unique_ptr<Backend> backend = make_test_backend();
  std::vector<float> gram = random_relu_gram(kChannels, 96, 99);
  HostEigen eigen = host_eigen(*backend, gram, kChannels);

  std::vector<float> run(const GramRandomization& params) {
    return host_randomize(*backend, gram, eigen, params, kChannels);
  }
};

TEST(RandomizeNames, ParseEveryModeAndDistribution) {
  EXPECT_EQ(parse_randomize_mode("none"), RandomizeMode::None);
  EXPECT_EQ(parse_randomize_mode("scale_eigenvectors"), RandomizeMode::ScaleEigenvectors);
  EXPECT_EQ(parse_randomize_mode("replace_eigenvectors"), RandomizeMode::ReplaceEigenvectors);
  EXPECT_EQ(parse_randomize_mode("random_gram"), RandomizeMode::RandomGram);
  EXPECT_EQ(parse_randomize_mode("scale_eigenvalues"), RandomizeMode::ScaleEigenvalues);
  for (RandomizeMode mode : kRandomModes)
    EXPECT_EQ(parse_randomize_mode(randomize_mode_name(mode)), mode);
  EXPECT_EQ(parse_random_distribution("uniform"), RandomDistribution::Uniform);
  EXPECT_EQ(parse_random_distribution("normal"), RandomDistribution::Normal);
}

TEST(RandomizeNames, UnknownNamesAreUserErrorsNamingTheValue) {
  try {
    parse_randomize_mode("scale_eigenvector");
    FAIL() << "no UserError";
  } catch (const UserError& error) {
    const std::string text = error.what();
    EXPECT_NE(text.find("'scale_eigenvector'"), std::string::npos) << text;
    EXPECT_NE(text.find("replace_eigenvectors"), std::string::npos) << text;
    EXPECT_EQ(text.find('\n'), std::string::npos) << text;
  }
  EXPECT_THROW(parse_random_distribution("gaussian"), UserError);
  EXPECT_THROW(parse_randomize_mode(""), UserError);
}

TEST(RandomizeDraws, FollowTheStreamAndElementIndexContract) {
  GramRandomization params = params_for(RandomizeMode::ScaleEigenvectors);
  params.lo = 0.25f;
  params.hi = 3.0f;
  const int channels = 37;
  auto stream = [&](RandomPurpose purpose) {
    RandomStream s;
    s.seed = params.seed;
    s.variant = params.variant;
    s.layer = params.layer_index;
    s.purpose = purpose;
    return s;
  };
  for (int i : {0, 5, 36}) {
    for (int j : {0, 11, 36}) {
      const uint64_t element = uint64_t(i) * channels + j;
      EXPECT_EQ(eigenvector_scale_draw(params, channels, i, j),
                stream(RandomPurpose::EigenvectorScale).uniform(element, 0.25f, 3.0f));
      EXPECT_EQ(random_gram_draw(params, channels, i, j),
                stream(RandomPurpose::RandomGram).uniform(element));
      params.distribution = RandomDistribution::Uniform;
      EXPECT_EQ(eigenvector_replace_draw(params, channels, i, j),
                stream(RandomPurpose::EigenvectorReplace).uniform(element));
      params.distribution = RandomDistribution::Normal;
      EXPECT_EQ(eigenvector_replace_draw(params, channels, i, j),
                stream(RandomPurpose::EigenvectorReplace).normal(element));
    }
    EXPECT_EQ(eigenvalue_scale_draw(params, i),
              stream(RandomPurpose::EigenvalueScale).uniform(uint64_t(i), 0.25f, 3.0f));
  }
}

TEST_F(RandomizeGram, NoneCopiesTheGramBitExactly) {
  const Shape square{1, 1, kChannels, kChannels};
  Tensor matrix = backend->from_host(square, gram.data());
  Tensor target = backend->zeros(square);
  const Tensor no_values, no_vectors;
  backend->randomize_gram(matrix, no_values, no_vectors, params_for(RandomizeMode::None, 0.5f),
                          target);
  const std::vector<float> result = backend->to_host(target);
  EXPECT_EQ(std::memcmp(result.data(), gram.data(), gram.size() * sizeof(float)), 0);

  Tensor via_helper = backend->zeros(square);
  randomize_target(*backend, matrix, params_for(RandomizeMode::None), via_helper);
  const std::vector<float> helper_result = backend->to_host(via_helper);
  EXPECT_EQ(std::memcmp(helper_result.data(), gram.data(), gram.size() * sizeof(float)), 0);
}

TEST_F(RandomizeGram, UnitRangesReproduceTheGram) {
  for (RandomizeMode mode : {RandomizeMode::ScaleEigenvectors, RandomizeMode::ScaleEigenvalues}) {
    GramRandomization params = params_for(mode);
    params.lo = params.hi = 1.0f;
    EXPECT_LT(relative_frobenius(run(params), gram), 1e-5) << randomize_mode_name(mode);
  }
}

TEST_F(RandomizeGram, EveryModeMatchesTheNaiveReferenceAndIsSymmetric) {
  for (RandomizeMode mode : kRandomModes) {
    for (RandomDistribution distribution :
         {RandomDistribution::Uniform, RandomDistribution::Normal}) {
      GramRandomization params = params_for(mode);
      params.distribution = distribution;
      const std::vector<float> target = run(params);
      EXPECT_LT(relative_frobenius(target, reference_target(gram, eigen, params, kChannels)), 1e-5)
          << randomize_mode_name(mode);
      EXPECT_GT(relative_frobenius(target, gram), 1e-3) << randomize_mode_name(mode);
      for (int i = 0; i < kChannels; ++i)
        for (int j = 0; j < i; ++j)
          ASSERT_EQ(target[size_t(i) * kChannels + j], target[size_t(j) * kChannels + i])
              << randomize_mode_name(mode) << " at " << i << "," << j;
    }
  }
}

double trace(const std::vector<float>& matrix, int channels) {
  double sum = 0.0;
  for (int i = 0; i < channels; ++i) sum += matrix[size_t(i) * channels + i];
  return sum;
}

TEST_F(RandomizeGram, KeepEnergyGivesTheTraceOfTheGramAndOnlyRescales) {
  for (RandomizeMode mode : kRandomModes) {
    for (float mix : {1.0f, 0.4f}) {
      GramRandomization params = params_for(mode, mix);
      const std::vector<float> free_variant = run(params);
      params.keep_energy = true;
      const std::vector<float> kept = run(params);
      EXPECT_LT(relative_frobenius(kept, reference_target(gram, eigen, params, kChannels)), 1e-5)
          << randomize_mode_name(mode) << " mix " << mix;
      EXPECT_NEAR(trace(kept, kChannels) / trace(gram, kChannels), 1.0, 1e-5)
          << randomize_mode_name(mode) << " mix " << mix;
      // The direction of A' is the same with and without it: A' differs by a factor only.
      if (mix == 1.0f) {
        const double factor = trace(gram, kChannels) / trace(free_variant, kChannels);
        std::vector<double> scaled(free_variant.begin(), free_variant.end());
        for (double& value : scaled) value *= factor;
        EXPECT_LT(relative_frobenius(kept, scaled), 1e-5) << randomize_mode_name(mode);
      }
    }
  }
}

TEST_F(RandomizeGram, KeepEnergyLeavesNoneUnchanged) {
  GramRandomization params = params_for(RandomizeMode::None);
  params.keep_energy = true;
  EXPECT_EQ(run(params), gram);
}

TEST_F(RandomizeGram, FlippingEigenvectorSignsLeavesTheTargetUnchanged) {
  HostEigen flipped = eigen;
  for (int column : {0, kChannels / 2, kChannels - 1})
    for (int i = 0; i < kChannels; ++i) flipped.vectors[size_t(i) * kChannels + column] *= -1.0f;
  for (RandomizeMode mode : kRandomModes) {
    const GramRandomization params = params_for(mode, 0.7f);
    const std::vector<float> original = run(params);
    const std::vector<float> with_flips =
        host_randomize(*backend, gram, flipped, params, kChannels);
    EXPECT_LT(relative_frobenius(with_flips, original), 1e-6) << randomize_mode_name(mode);
  }
}

TEST_F(RandomizeGram, MixInterpolatesBetweenTheGramAndTheVariant) {
  for (RandomizeMode mode : kRandomModes) {
    const std::vector<float> variant = run(params_for(mode, 1.0f));
    const std::vector<float> unchanged = run(params_for(mode, 0.0f));
    EXPECT_EQ(unchanged, gram) << randomize_mode_name(mode);
    EXPECT_LT(relative_frobenius(variant,
                                 reference_target(gram, eigen, params_for(mode, 1.0f), kChannels)),
              1e-5);
    const std::vector<float> quarter = run(params_for(mode, 0.25f));
    std::vector<double> expected(gram.size());
    for (size_t k = 0; k < gram.size(); ++k)
      expected[k] = 0.75 * double(gram[k]) + 0.25 * double(variant[k]);
    EXPECT_LT(relative_frobenius(quarter, expected), 1e-6) << randomize_mode_name(mode);
  }
}

TEST_F(RandomizeGram, SameKeySameTargetOtherKeyOtherTarget) {
  for (RandomizeMode mode : kRandomModes) {
    const GramRandomization base = params_for(mode);
    const std::vector<float> first = run(base);
    EXPECT_EQ(run(base), first) << randomize_mode_name(mode);
    GramRandomization other_seed = base, other_variant = base, other_layer = base;
    other_seed.seed += 1;
    other_variant.variant += 1;
    other_layer.layer_index += 1;
    for (const GramRandomization& other : {other_seed, other_variant, other_layer})
      EXPECT_GT(relative_frobenius(run(other), first), 1e-3) << randomize_mode_name(mode);
  }
}

TEST_F(RandomizeGram, RandomizeTargetMatchesTheExplicitSteps) {
  const Shape square{1, 1, kChannels, kChannels};
  Tensor matrix = backend->from_host(square, gram.data());
  for (RandomizeMode mode : kRandomModes) {
    const GramRandomization params = params_for(mode, 0.6f);
    Tensor target = backend->empty(square);
    randomize_target(*backend, matrix, params, target);
    EXPECT_EQ(backend->to_host(target), run(params)) << randomize_mode_name(mode);
  }
}

TEST_F(RandomizeGram, AKeptEigendecompositionGivesTheSameTargetAsDecomposingAgain) {
  const Shape square{1, 1, kChannels, kChannels};
  Tensor matrix = backend->from_host(square, gram.data());
  const GramEigen kept = decompose_gram(*backend, matrix);
  for (RandomizeMode mode : kRandomModes) {
    const GramRandomization params = params_for(mode, 0.6f);
    Tensor target = backend->empty(square);
    randomize_target(*backend, matrix, params, target, &kept);
    EXPECT_EQ(backend->to_host(target), run(params)) << randomize_mode_name(mode);
    EXPECT_EQ(mode_uses_eigen(mode),
              mode != RandomizeMode::None && mode != RandomizeMode::RandomGram);
  }
  // An eigendecomposition of another size is refused.
  Tensor small = backend->from_host(Shape{1, 1, 2, 2}, std::vector<float>{2, 1, 1, 2}.data());
  const GramEigen wrong = decompose_gram(*backend, small);
  Tensor target = backend->empty(square);
  EXPECT_THROW(randomize_target(*backend, matrix, params_for(RandomizeMode::ScaleEigenvectors),
                                target, &wrong),
               InternalError);
}

TEST_F(RandomizeGram, RejectsMissingEigenTensorsAndWrongShapes) {
  const Shape square{1, 1, kChannels, kChannels};
  Tensor matrix = backend->from_host(square, gram.data());
  Tensor target = backend->empty(square);
  const Tensor none;
  EXPECT_THROW(backend->randomize_gram(matrix, none, none,
                                       params_for(RandomizeMode::ScaleEigenvectors), target),
               InternalError);
  Tensor small_target = backend->empty(Shape{1, 1, 4, 4});
  EXPECT_THROW(
      randomize_target(*backend, matrix, params_for(RandomizeMode::RandomGram), small_target),
      InternalError);
}

}  // namespace
}  // namespace nsrg::test
