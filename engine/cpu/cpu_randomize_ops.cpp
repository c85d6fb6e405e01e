// CpuBackend randomization ops: the symmetric eigendecomposition (LAPACKE dsyevd on a double
// copy, since Gram entries span many orders of magnitude) and randomize_gram (Philox draws,
// then A' = V' diag(lambda) V'^T by a double GEMM, symmetrized, then the mix with A). Every
// element step (the layout around dsyevd, the entries of V', lambda' and random_gram's R, the
// symmetrization, the scale factor, the mix) is a host/device rule of engine/core
// (square_matrix_rules.h, randomize_rules.h) that the CUDA kernels run too. OpenBLAS runs
// single-threaded (use_threads): its threaded level-2 BLAS inside dsyevd adds per-thread
// partial sums, which would make the eigenvectors depend on the thread count.
#include <cblas.h>

#include <cmath>
#include <cstddef>
#include <vector>

#include "engine/core/error.h"
#include "engine/core/randomization.h"
#include "engine/core/randomize_rules.h"
#include "engine/core/reduction_terms.h"
#include "engine/core/shape_checks.h"
#include "engine/core/square_matrix_rules.h"
#include "engine/cpu/cpu_backend_impl.h"
#include "engine/cpu/cpu_parallel.h"
#include "engine/cpu/cpu_symmetric_eigen.h"

namespace nsrg {

namespace {

// Runs the loops below on several threads only when the matrix is big enough to pay off.
constexpr ptrdiff_t kParallelElements = 16384;

// A' = V' diag(values) V'^T (all row-major C x C, double), symmetrized: a GEMM of V' diag(values)
// with V'^T (a SYRK of V' sqrt|values| would lose the signs of negative eigenvalues).
std::vector<double> rebuild_from_eigen(const std::vector<double>& vectors,
                                       const std::vector<double>& values, int channels) {
  const ptrdiff_t c = channels;
  std::vector<double> scaled(static_cast<size_t>(c * c));
#pragma omp parallel for schedule(static) if (c * c > kParallelElements)
  for (ptrdiff_t i = 0; i < c; ++i) {
    for (ptrdiff_t j = 0; j < c; ++j) scaled[i * c + j] = vectors[i * c + j] * values[j];
  }
  std::vector<double> rebuilt(static_cast<size_t>(c * c));
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, channels, channels, channels, 1.0,
              scaled.data(), channels, vectors.data(), channels, 0.0, rebuilt.data(), channels);
#pragma omp parallel for schedule(static) if (c * c > kParallelElements)
  for (ptrdiff_t i = 0; i < c; ++i) {
    for (ptrdiff_t j = i + 1; j < c; ++j) {
      const double mean = symmetrized_entry(rebuilt.data(), channels, int(i), int(j));
      rebuilt[i * c + j] = mean;
      rebuilt[j * c + i] = mean;
    }
  }
  return rebuilt;
}

// target = the mix of A with random_gram's symmetric random matrix R scaled so that its mean
// magnitude is that of A.
void random_gram_target_matrix(const float* gram, const GramRandomization& params, int channels,
                               int threads, float* target) {
  const ptrdiff_t c = channels;
  std::vector<float> random(static_cast<size_t>(c * c));
#pragma omp parallel for schedule(static) if (c * c > kParallelElements)
  for (ptrdiff_t i = 0; i < c; ++i) {
    for (ptrdiff_t j = i; j < c; ++j) {
      const float draw = random_gram_entry(params, channels, int(i), int(j));
      random[i * c + j] = draw;
      random[j * c + i] = draw;
    }
  }
  double first = 0.0, second = 0.0;  // trace(A), trace(R) or sum |A|, sum R
  if (params.keep_energy) {
    first = trace_of(gram, channels);
    second = random_gram_trace(params, channels);
  } else {
    const float* drawn = random.data();
    first =
        cpu::parallel_sum(threads, c * c, [=](ptrdiff_t k) { return abs_term(gram, size_t(k)); });
    second = cpu::parallel_sum(threads, c * c,
                               [=](ptrdiff_t k) { return value_term(drawn, size_t(k)); });
  }
  const double factor = random_gram_scale(params, first, second);
  const double mix = params.mix;
#pragma omp parallel for schedule(static) if (c * c > kParallelElements)
  for (ptrdiff_t k = 0; k < c * c; ++k)
    target[k] = random_gram_target(mix, gram[k], random[size_t(k)], factor);
}

}  // namespace

void CpuBackend::symmetric_eigen(const Tensor& matrix, Tensor& eigenvalues, Tensor& eigenvectors) {
  const int channels = check_eigen_arguments(matrix, eigenvalues, eigenvectors);
  const size_t c = size_t(channels);
  use_threads();

  const DoubleEigen eigen = decompose_symmetric(matrix, channels, "symmetric_eigen");
  for (size_t i = 0; i < c; ++i) {
    for (size_t j = 0; j < c; ++j)
      narrow_eigen_element(eigen.vectors.data(), eigen.values.data(), c, i, j, eigenvectors.data(),
                           eigenvalues.data());
  }
}

void CpuBackend::randomize_gram(const Tensor& gram, const Tensor& eigenvalues,
                                const Tensor& eigenvectors, const GramRandomization& params,
                                Tensor& target) {
  const int channels = check_randomize_arguments(gram, params, target);
  const ptrdiff_t c = channels;
  if (params.mode == RandomizeMode::None) {
    copy(gram, target);
    return;
  }
  NSRG_CHECK(target.data() != eigenvalues.data() && target.data() != eigenvectors.data(),
             "randomize_gram: target aliases the eigendecomposition");

  if (params.mode == RandomizeMode::RandomGram) {
    random_gram_target_matrix(gram.data(), params, channels, threads_, target.data());
    return;
  }
  NSRG_CHECK(eigenvalues.numel() == size_t(c) && eigenvectors.shape() == gram.shape(),
             "randomize_gram: eigenvalues ", eigenvalues.shape().str(), " and eigenvectors ",
             eigenvectors.shape().str(), " for a gram ", gram.shape().str());
  const float* in_values = eigenvalues.data();
  const float* in_vectors = eigenvectors.data();
  std::vector<double> values(static_cast<size_t>(c)), vectors(static_cast<size_t>(c * c));
  for (ptrdiff_t j = 0; j < c; ++j)
    values[size_t(j)] = randomized_eigenvalue(params, in_values, int(j));
#pragma omp parallel for schedule(static) if (c * c > kParallelElements)
  for (ptrdiff_t i = 0; i < c; ++i) {
    for (ptrdiff_t j = 0; j < c; ++j)
      vectors[i * c + j] =
          randomized_eigenvector_entry(params, in_vectors, channels, int(i), int(j));
  }
  use_threads();
  const std::vector<double> randomized = rebuild_from_eigen(vectors, values, channels);

  // target = (1 - mix) A + mix A', in double: mix 0 gives A and mix 1 gives A' exactly;
  // keep_energy scales A' to the trace of A first (factor 1 without it).
  const double mix = params.mix;
  const float* in = gram.data();
  const double factor = rebuilt_factor(params, in, randomized.data(), channels);
  float* out = target.data();
#pragma omp parallel for schedule(static) if (c * c > kParallelElements)
  for (ptrdiff_t k = 0; k < c * c; ++k)
    out[k] = mixed_target(mix, in[k], randomized[size_t(k)] * factor);
}

}  // namespace nsrg
