// The randomization rules of engine/core/randomize_rules.h (shared by the CPU backend and the
// CUDA kernels) against naive float64 formulas written here, with the draws taken straight
// from the Philox streams at the documented element indices.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/core/randomize_rules.h"

namespace nsrg {
namespace {

constexpr int kSize = 6;

GramRandomization params_for(RandomizeMode mode) {
  GramRandomization p;
  p.mode = mode;
  p.lo = 0.25f;
  p.hi = 1.5f;
  p.seed = 11;
  p.variant = 2;
  p.layer_index = 3;
  return p;
}

RandomStream stream_of(const GramRandomization& p, RandomPurpose purpose) {
  return RandomStream{p.seed, p.variant, p.layer_index, purpose};
}

std::vector<float> sample_vectors() {
  std::vector<float> v(kSize * kSize);
  for (size_t k = 0; k < v.size(); ++k) v[k] = float(std::cos(1.3 * double(k)));
  return v;
}

TEST(RandomizeRules, EigenvectorEntryOfEachMode) {
  const std::vector<float> vectors = sample_vectors();
  for (RandomizeMode mode : {RandomizeMode::ScaleEigenvectors, RandomizeMode::ReplaceEigenvectors,
                             RandomizeMode::ScaleEigenvalues, RandomizeMode::None}) {
    for (RandomDistribution distribution :
         {RandomDistribution::Uniform, RandomDistribution::Normal}) {
      GramRandomization p = params_for(mode);
      p.distribution = distribution;
      for (int i = 0; i < kSize; ++i)
        for (int j = 0; j < kSize; ++j) {
          const uint64_t element = uint64_t(i) * kSize + uint64_t(j);
          const double v = vectors[size_t(element)];
          double want = v;
          if (mode == RandomizeMode::ScaleEigenvectors) {
            const float u =
                stream_of(p, RandomPurpose::EigenvectorScale).uniform(element, 0.25f, 1.5f);
            EXPECT_GE(u, 0.25f);
            EXPECT_LT(u, 1.5f);
            want = v * double(u);
          } else if (mode == RandomizeMode::ReplaceEigenvectors) {
            const RandomStream s = stream_of(p, RandomPurpose::EigenvectorReplace);
            want =
                distribution == RandomDistribution::Normal ? s.normal(element) : s.uniform(element);
          }
          EXPECT_EQ(randomized_eigenvector_entry(p, vectors.data(), kSize, i, j), want)
              << int(mode) << " " << i << "," << j;
        }
    }
  }
}

TEST(RandomizeRules, EigenvalueIsScaledOnlyInScaleEigenvalues) {
  const std::vector<float> values = {-1e-3f, 0.0f, 0.5f, 2.0f, 30.0f, 1e4f};
  for (RandomizeMode mode : {RandomizeMode::ScaleEigenvalues, RandomizeMode::ScaleEigenvectors}) {
    const GramRandomization p = params_for(mode);
    for (int j = 0; j < kSize; ++j) {
      double want = values[size_t(j)];
      if (mode == RandomizeMode::ScaleEigenvalues)
        want *=
            double(stream_of(p, RandomPurpose::EigenvalueScale).uniform(uint64_t(j), 0.25f, 1.5f));
      EXPECT_EQ(randomized_eigenvalue(p, values.data(), j), want) << j;
    }
  }
}

TEST(RandomizeRules, SymmetrizedEntryIsTheMeanWithTheTranspose) {
  std::vector<double> m(kSize * kSize);
  for (size_t k = 0; k < m.size(); ++k) m[k] = std::sin(0.37 * double(k)) * 1e3;
  for (int i = 0; i < kSize; ++i)
    for (int j = 0; j < kSize; ++j) {
      const double got = symmetrized_entry(m.data(), kSize, i, j);
      EXPECT_EQ(got, symmetrized_entry(m.data(), kSize, j, i));
      if (i == j)
        EXPECT_EQ(got, m[size_t(i) * kSize + size_t(i)]);
      else
        EXPECT_NEAR(got, (m[size_t(i) * kSize + j] + m[size_t(j) * kSize + i]) / 2, 1e-12);
    }
}

TEST(RandomizeRules, RebuildThroughTheRulesIsVPrimeDiagLambdaPrimeVPrimeTransposed) {
  // A' = V' diag(lambda') V'^T by a naive float64 loop over the rules' entries, symmetrized,
  // against the same product written out from the draws.
  const std::vector<float> vectors = sample_vectors();
  const std::vector<float> values = {0.1f, 0.2f, 0.5f, 1.0f, 2.0f, 4.0f};
  const GramRandomization p = params_for(RandomizeMode::ScaleEigenvectors);
  std::vector<double> rebuilt(kSize * kSize, 0.0);
  for (int i = 0; i < kSize; ++i)
    for (int j = 0; j < kSize; ++j)
      for (int k = 0; k < kSize; ++k)
        rebuilt[size_t(i) * kSize + j] +=
            randomized_eigenvector_entry(p, vectors.data(), kSize, i, k) *
            randomized_eigenvalue(p, values.data(), k) *
            randomized_eigenvector_entry(p, vectors.data(), kSize, j, k);
  const RandomStream scale = stream_of(p, RandomPurpose::EigenvectorScale);
  for (int i = 0; i < kSize; ++i)
    for (int j = 0; j < kSize; ++j) {
      double want = 0.0;
      for (int k = 0; k < kSize; ++k) {
        const double vi = double(vectors[size_t(i) * kSize + k]) *
                          scale.uniform(uint64_t(i) * kSize + uint64_t(k), 0.25f, 1.5f);
        const double vj = double(vectors[size_t(j) * kSize + k]) *
                          scale.uniform(uint64_t(j) * kSize + uint64_t(k), 0.25f, 1.5f);
        want += vi * double(values[size_t(k)]) * vj;
      }
      EXPECT_NEAR(symmetrized_entry(rebuilt.data(), kSize, i, j), want,
                  1e-12 * (1 + std::fabs(want)));
    }
}

TEST(RandomizeRules, MixAtZeroAndOneIsExact) {
  for (float gram : {-3.25f, 0.0f, 1e-20f, 7.5e8f})
    for (double randomized : {-1.0 / 3.0, 0.0, 12345.678901, 1e-30}) {
      EXPECT_EQ(mixed_target(0.0, gram, randomized), gram);
      EXPECT_EQ(mixed_target(1.0, gram, randomized), float(randomized));
      const float half = mixed_target(0.5, gram, randomized);
      EXPECT_EQ(half, float(0.5 * double(gram) + 0.5 * randomized));
    }
  EXPECT_NEAR(mixed_target(0.25, 4.0f, 8.0), 0.75 * 4.0 + 0.25 * 8.0, 1e-6);
}

TEST(RandomizeRules, RandomGramEntriesAreSymmetricDraws) {
  const GramRandomization p = params_for(RandomizeMode::RandomGram);
  const RandomStream s = stream_of(p, RandomPurpose::RandomGram);
  for (int i = 0; i < kSize; ++i)
    for (int j = 0; j < kSize; ++j) {
      const int lo = i < j ? i : j, hi = i < j ? j : i;
      const float want = s.uniform(uint64_t(lo) * kSize + uint64_t(hi));
      EXPECT_EQ(random_gram_entry(p, kSize, i, j), want) << i << "," << j;
      EXPECT_GE(want, 0.0f);
      EXPECT_LT(want, 1.0f);
    }
}

TEST(RandomizeRules, RandomGramFactorMatchesTheMeanMagnitudeAndIsZeroWithoutARandomSum) {
  EXPECT_EQ(random_gram_factor(5.0, 0.0), 0.0);
  EXPECT_EQ(random_gram_factor(5.0, -1.0), 0.0);
  EXPECT_EQ(random_gram_factor(0.0, 0.0), 0.0);
  EXPECT_EQ(random_gram_factor(6.0, 4.0), 1.5);

  // With mix 1 the target's mean magnitude is the Gram's (all entries of R are >= 0).
  const GramRandomization p = params_for(RandomizeMode::RandomGram);
  std::vector<float> gram(kSize * kSize);
  for (size_t k = 0; k < gram.size(); ++k) gram[k] = float(std::sin(double(k)) * 50.0);
  double gram_abs = 0.0, random_sum = 0.0;
  for (int i = 0; i < kSize; ++i)
    for (int j = 0; j < kSize; ++j) {
      gram_abs += std::fabs(double(gram[size_t(i) * kSize + j]));
      random_sum += random_gram_entry(p, kSize, i, j);
    }
  const double factor = random_gram_factor(gram_abs, random_sum);
  double target_abs = 0.0;
  for (int i = 0; i < kSize; ++i)
    for (int j = 0; j < kSize; ++j) {
      const float t = random_gram_target(1.0, gram[size_t(i) * kSize + j],
                                         random_gram_entry(p, kSize, i, j), factor);
      EXPECT_EQ(t, float(double(random_gram_entry(p, kSize, i, j)) * factor));
      target_abs += std::fabs(double(t));
    }
  EXPECT_NEAR(target_abs, gram_abs, 1e-6 * gram_abs);
  // With a zero factor (no random sum) and mix 1 the target is zero; mix 0 keeps the Gram.
  EXPECT_EQ(random_gram_target(1.0, 3.0f, 0.5f, 0.0), 0.0f);
  EXPECT_EQ(random_gram_target(0.0, 3.0f, 0.5f, 0.0), 3.0f);
}

}  // namespace
}  // namespace nsrg
