// CUDA/CPU parity of the style-randomization ops: the cuSOLVER eigendecomposition (it
// reconstructs the matrix, is orthonormal, reads only the upper triangle, agrees with
// LAPACK's eigenvalues), bit-identical random multipliers on both backends, randomize_gram
// in every mode from the same eigendecomposition, and the whole randomize_target pipeline.
#include <cmath>
#include <vector>

#include "engine/core/error.h"
#include "engine/core/randomization.h"
#include "tests/cuda/cuda_test_support.h"
#include "tests/randomize/randomize_test_util.h"

namespace nsrg::test {
namespace {

using CudaRandomize = CudaParityTest;

// A symmetric C x C matrix Q diag(lambda) Q^T with a random orthogonal Q (Gram-Schmidt in
// double) and well separated eigenvalues lambda_j = (j + 1) * spacing (+ shift).
std::vector<float> separated_matrix(int c, unsigned seed, double shift = 0.0) {
  const std::vector<double> q = random_orthogonal(c, seed);  // column j: eigenvector j
  std::vector<float> m(size_t(c) * c);
  for (int i = 0; i < c; ++i)
    for (int j = 0; j <= i; ++j) {
      double sum = 0.0;
      for (int k = 0; k < c; ++k)
        sum += q[size_t(i) * c + k] * (double(k + 1) * 0.5 + shift) * q[size_t(j) * c + k];
      m[size_t(i) * c + j] = m[size_t(j) * c + i] = float(sum);
    }
  return m;
}

TEST_F(CudaRandomize, EigendecompositionReconstructsAndMatchesLapack) {
  for (int c : {1, 3, 64, 200}) {
    const std::vector<float> m = separated_matrix(c, 1200 + c, -2.0);
    TensorPair matrix = pair(Shape{1, 1, c, c}, m);
    TensorPair values = empty_pair(Shape{1, 1, 1, c});
    TensorPair vectors = empty_pair(Shape{1, 1, c, c});
    cpu->symmetric_eigen(matrix.cpu, values.cpu, vectors.cpu);
    cuda->symmetric_eigen(matrix.cuda, values.cuda, vectors.cuda);
    expect_parity(values, 1e-5, msg("eigenvalues ", c));
    const std::vector<float> lambda = cuda->to_host(values.cuda);
    const std::vector<float> v = cuda->to_host(vectors.cuda);
    for (int j = 1; j < c; ++j) ASSERT_LT(lambda[j - 1], lambda[j]) << "ascending";
    double error = 0.0, scale = 0.0, orthogonality = 0.0;
    for (int i = 0; i < c; ++i)
      for (int j = 0; j < c; ++j) {
        double rebuilt = 0.0, inner = 0.0;
        for (int k = 0; k < c; ++k) {
          rebuilt += double(v[size_t(i) * c + k]) * lambda[k] * v[size_t(j) * c + k];
          inner += double(v[size_t(k) * c + i]) * v[size_t(k) * c + j];
        }
        error = std::max(error, std::fabs(rebuilt - m[size_t(i) * c + j]));
        scale = std::max(scale, std::fabs(double(m[size_t(i) * c + j])));
        orthogonality = std::max(orthogonality, std::fabs(inner - (i == j ? 1.0 : 0.0)));
      }
    EXPECT_LE(error / scale, 1e-5) << "V diag V^T, C = " << c;
    EXPECT_LE(orthogonality, 1e-5) << "V^T V, C = " << c;
  }
}

TEST_F(CudaRandomize, EigendecompositionReadsOnlyTheUpperTriangle) {
  const int c = 16;
  std::vector<float> m = separated_matrix(c, 1300);
  Tensor clean = cuda->from_host(Shape{1, 1, c, c}, m.data());
  for (int i = 0; i < c; ++i)
    for (int j = 0; j < i; ++j) m[size_t(i) * c + j] = 1000.0f + float(i * c + j);  // lower
  Tensor dirty = cuda->from_host(Shape{1, 1, c, c}, m.data());
  Tensor values_a = cuda->empty(Shape{1, 1, 1, c}), values_b = cuda->empty(Shape{1, 1, 1, c});
  Tensor vectors_a = cuda->empty(Shape{1, 1, c, c}), vectors_b = cuda->empty(Shape{1, 1, c, c});
  cuda->symmetric_eigen(clean, values_a, vectors_a);
  cuda->symmetric_eigen(dirty, values_b, vectors_b);
  EXPECT_EQ(cuda->to_host(values_a), cuda->to_host(values_b));
  EXPECT_EQ(cuda->to_host(vectors_a), cuda->to_host(vectors_b));
}

TEST_F(CudaRandomize, EigendecompositionRejectsNonFiniteInput) {
  const int c = 4;
  std::vector<float> m = separated_matrix(c, 1400);
  m[1] = NAN;
  Tensor matrix = cuda->from_host(Shape{1, 1, c, c}, m.data());
  Tensor values = cuda->empty(Shape{1, 1, 1, c}), vectors = cuda->empty(Shape{1, 1, c, c});
  EXPECT_THROW(cuda->symmetric_eigen(matrix, values, vectors), InternalError);
}

GramRandomization params_for(RandomizeMode mode, RandomDistribution distribution, float mix) {
  GramRandomization p;
  p.mode = mode;
  p.distribution = distribution;
  p.mix = mix;
  p.seed = 0x1234567890abcdefull;
  p.variant = 3;
  p.layer_index = 2;
  return p;
}

// Runs randomize_gram on both backends from the same host inputs; returns the targets.
struct Targets {
  std::vector<float> cpu, cuda;
};

Targets randomize_both(Backend& cpu, Backend& cuda, const std::vector<float>& gram,
                       const std::vector<float>& values, const std::vector<float>& vectors, int c,
                       const GramRandomization& params) {
  const Shape square{1, 1, c, c};
  Tensor g_cpu = cpu.from_host(square, gram.data()), g_cuda = cuda.from_host(square, gram.data());
  Tensor l_cpu = cpu.from_host(Shape{1, 1, 1, c}, values.data());
  Tensor l_cuda = cuda.from_host(Shape{1, 1, 1, c}, values.data());
  Tensor v_cpu = cpu.from_host(square, vectors.data()),
         v_cuda = cuda.from_host(square, vectors.data());
  Tensor t_cpu = cpu.empty(square), t_cuda = cuda.empty(square);
  cpu.randomize_gram(g_cpu, l_cpu, v_cpu, params, t_cpu);
  cuda.randomize_gram(g_cuda, l_cuda, v_cuda, params, t_cuda);
  return Targets{cpu.to_host(t_cpu), cuda.to_host(t_cuda)};
}

TEST_F(CudaRandomize, MultipliersAreBitIdenticalOnBothBackends) {
  // With V = I the rebuilt matrices are exact products of the draws, so the targets must
  // agree bit for bit when (and only when) the draws do.
  const int c = 37;
  std::vector<float> identity(size_t(c) * c, 0.0f), ramp(c), first_only(c, 0.0f);
  for (int i = 0; i < c; ++i) identity[size_t(i) * c + i] = 1.0f;
  for (int j = 0; j < c; ++j) ramp[j] = float(j + 1);
  first_only[0] = 1.0f;
  const std::vector<float> gram = identity;

  const Targets eigenvalues = randomize_both(
      *cpu, *cuda, gram, ramp, identity, c,
      params_for(RandomizeMode::ScaleEigenvalues, RandomDistribution::Uniform, 1.0f));
  EXPECT_EQ(eigenvalues.cuda, eigenvalues.cpu) << "scale_eigenvalues";
  const Targets scaled = randomize_both(
      *cpu, *cuda, gram, std::vector<float>(c, 1.0f), identity, c,
      params_for(RandomizeMode::ScaleEigenvectors, RandomDistribution::Uniform, 1.0f));
  EXPECT_EQ(scaled.cuda, scaled.cpu) << "scale_eigenvectors";
  // replace: A'[i][j] = v'[i][0] v'[j][0] (one non-zero eigenvalue): exact in double.
  const Targets uniform = randomize_both(
      *cpu, *cuda, gram, first_only, identity, c,
      params_for(RandomizeMode::ReplaceEigenvectors, RandomDistribution::Uniform, 1.0f));
  EXPECT_EQ(uniform.cuda, uniform.cpu) << "replace_eigenvectors uniform";
  // Normal draws use double log/sin/cos, which may differ by an ulp between host and device.
  const Targets normal = randomize_both(
      *cpu, *cuda, gram, first_only, identity, c,
      params_for(RandomizeMode::ReplaceEigenvectors, RandomDistribution::Normal, 1.0f));
  EXPECT_LE(normalized_error(normal.cuda, normal.cpu), 1e-6) << "replace_eigenvectors normal";
  // The draws themselves, against the host functions.
  const GramRandomization p =
      params_for(RandomizeMode::ScaleEigenvalues, RandomDistribution::Uniform, 1.0f);
  for (int j = 0; j < c; ++j)
    ASSERT_EQ(eigenvalues.cuda[size_t(j) * c + j],
              float(double(ramp[j]) * double(eigenvalue_scale_draw(p, j))))
        << "eigenvalue " << j;
}

TEST_F(CudaRandomize, EveryModeMatchesCpuFromTheSameEigendecomposition) {
  const int c = 48;
  const std::vector<float> gram = separated_matrix(c, 1500, 0.1);
  Tensor matrix = cpu->from_host(Shape{1, 1, c, c}, gram.data());
  Tensor values = cpu->empty(Shape{1, 1, 1, c}), vectors = cpu->empty(Shape{1, 1, c, c});
  cpu->symmetric_eigen(matrix, values, vectors);
  const std::vector<float> host_values = cpu->to_host(values);
  const std::vector<float> host_vectors = cpu->to_host(vectors);
  const RandomizeMode modes[] = {RandomizeMode::None, RandomizeMode::ScaleEigenvectors,
                                 RandomizeMode::ReplaceEigenvectors, RandomizeMode::RandomGram,
                                 RandomizeMode::ScaleEigenvalues};
  for (RandomizeMode mode : modes) {
    for (RandomDistribution distribution :
         {RandomDistribution::Uniform, RandomDistribution::Normal}) {
      for (float mix : {1.0f, 0.4f, 0.0f})
        for (bool keep_energy : {false, true}) {
          GramRandomization params = params_for(mode, distribution, mix);
          params.keep_energy = keep_energy;
          const Targets t = randomize_both(*cpu, *cuda, gram, host_values, host_vectors, c, params);
          EXPECT_LE(normalized_error(t.cuda, t.cpu), 1e-6)
              << randomize_mode_name(mode) << " " << random_distribution_name(distribution)
              << " mix " << mix << (keep_energy ? " keep_energy" : "");
          for (int i = 0; i < c; ++i)
            for (int j = 0; j < i; ++j)
              ASSERT_EQ(t.cuda[size_t(i) * c + j], t.cuda[size_t(j) * c + i])
                  << randomize_mode_name(mode) << " symmetric";
          if (mix == 0.0f) {
            EXPECT_EQ(t.cuda, gram) << randomize_mode_name(mode) << " mix 0";
          }
        }
    }
  }
}

TEST_F(CudaRandomize, RandomizeTargetPipelineMatchesCpu) {
  const int c = 32;
  const std::vector<float> gram = separated_matrix(c, 1600, 0.25);
  TensorPair g = pair(Shape{1, 1, c, c}, gram);
  TensorPair target = empty_pair(Shape{1, 1, c, c});
  const RandomizeMode modes[] = {RandomizeMode::ScaleEigenvectors,
                                 RandomizeMode::ReplaceEigenvectors, RandomizeMode::RandomGram,
                                 RandomizeMode::ScaleEigenvalues};
  for (RandomizeMode mode : modes) {
    const GramRandomization params = params_for(mode, RandomDistribution::Uniform, 0.8f);
    randomize_target(*cpu, g.cpu, params, target.cpu);
    randomize_target(*cuda, g.cuda, params, target.cuda);
    // Different eigensolvers: the eigenvectors agree up to sign (which A' ignores) and to
    // about 1e-6 relative for these well separated eigenvalues.
    expect_parity(target, 1e-4, msg("randomize_target ", randomize_mode_name(mode)));
  }
}

}  // namespace
}  // namespace nsrg::test
