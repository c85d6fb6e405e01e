// CpuBackend randomization ops: the symmetric eigendecomposition (LAPACKE dsyevd on a double
// copy, since Gram entries span many orders of magnitude) and randomize_gram (Philox draws,
// then A' = V' diag(lambda) V'^T by a double GEMM, symmetrized, then the mix with A).
#include <cblas.h>
#include <lapacke.h>

#include <cmath>
#include <cstddef>
#include <vector>

#include "engine/core/error.h"
#include "engine/core/randomization.h"
#include "engine/core/shape_checks.h"
#include "engine/cpu/cpu_backend_impl.h"

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
      const double mean = 0.5 * (rebuilt[i * c + j] + rebuilt[j * c + i]);
      rebuilt[i * c + j] = mean;
      rebuilt[j * c + i] = mean;
    }
  }
  return rebuilt;
}

// The random symmetric matrix of random_gram, scaled so its mean magnitude is that of A.
std::vector<double> random_gram_matrix(const float* gram, const GramRandomization& params,
                                       int channels) {
  const ptrdiff_t c = channels;
  std::vector<double> random(static_cast<size_t>(c * c));
#pragma omp parallel for schedule(static) if (c * c > kParallelElements)
  for (ptrdiff_t i = 0; i < c; ++i) {
    for (ptrdiff_t j = i; j < c; ++j) {
      const double draw = random_gram_draw(params, channels, int(i), int(j));
      random[i * c + j] = draw;
      random[j * c + i] = draw;
    }
  }
  double gram_magnitude = 0.0, random_magnitude = 0.0;
#pragma omp parallel for schedule(static) reduction(+ : gram_magnitude, random_magnitude) \
    if (c * c > kParallelElements)
  for (ptrdiff_t k = 0; k < c * c; ++k) {
    gram_magnitude += std::fabs(double(gram[k]));
    random_magnitude += random[k];
  }
  const double factor = random_magnitude > 0.0 ? gram_magnitude / random_magnitude : 0.0;
  for (double& value : random) value *= factor;
  return random;
}

}  // namespace

void CpuBackend::symmetric_eigen(const Tensor& matrix, Tensor& eigenvalues, Tensor& eigenvectors) {
  const int channels = square_size(matrix, "symmetric_eigen matrix");
  const ptrdiff_t c = channels;
  NSRG_CHECK(eigenvalues.numel() == size_t(c), "symmetric_eigen: eigenvalues ",
             eigenvalues.shape().str(), " for a ", c, "x", c, " matrix");
  NSRG_CHECK(eigenvectors.shape() == matrix.shape(), "symmetric_eigen: eigenvectors ",
             eigenvectors.shape().str(), " for a matrix ", matrix.shape().str());

  // Column-major copy; dsyevd reads its upper triangle, i.e. the row-major upper triangle.
  const float* in = matrix.data();
  std::vector<double> work(static_cast<size_t>(c * c));
  bool finite = true;
  for (ptrdiff_t i = 0; i < c; ++i) {
    for (ptrdiff_t j = 0; j < c; ++j) {
      work[i + j * c] = in[i * c + j];
      finite = finite && std::isfinite(in[i * c + j]);
    }
  }
  NSRG_CHECK(finite, "symmetric_eigen: the matrix has a non-finite entry");
  std::vector<double> values(static_cast<size_t>(c));
  const lapack_int info =
      LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'U', channels, work.data(), channels, values.data());
  NSRG_CHECK(info == 0, "LAPACKE_dsyevd returned ", info, " for a ", c, "x", c, " matrix");

  float* out_values = eigenvalues.data();
  float* out_vectors = eigenvectors.data();
  for (ptrdiff_t j = 0; j < c; ++j) out_values[j] = float(values[size_t(j)]);
  for (ptrdiff_t i = 0; i < c; ++i) {
    for (ptrdiff_t j = 0; j < c; ++j) out_vectors[i * c + j] = float(work[i + j * c]);
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

  std::vector<double> randomized;
  if (params.mode == RandomizeMode::RandomGram) {
    randomized = random_gram_matrix(gram.data(), params, channels);
  } else {
    NSRG_CHECK(eigenvalues.numel() == size_t(c) && eigenvectors.shape() == gram.shape(),
               "randomize_gram: eigenvalues ", eigenvalues.shape().str(), " and eigenvectors ",
               eigenvectors.shape().str(), " for a gram ", gram.shape().str());
    const float* in_values = eigenvalues.data();
    const float* in_vectors = eigenvectors.data();
    std::vector<double> values(static_cast<size_t>(c)), vectors(static_cast<size_t>(c * c));
    for (ptrdiff_t j = 0; j < c; ++j) {
      values[size_t(j)] = in_values[j];
      if (params.mode == RandomizeMode::ScaleEigenvalues)
        values[size_t(j)] *= eigenvalue_scale_draw(params, int(j));
    }
#pragma omp parallel for schedule(static) if (c * c > kParallelElements)
    for (ptrdiff_t i = 0; i < c; ++i) {
      for (ptrdiff_t j = 0; j < c; ++j) {
        double entry = in_vectors[i * c + j];
        if (params.mode == RandomizeMode::ScaleEigenvectors)
          entry *= eigenvector_scale_draw(params, channels, int(i), int(j));
        else if (params.mode == RandomizeMode::ReplaceEigenvectors)
          entry = eigenvector_replace_draw(params, channels, int(i), int(j));
        vectors[i * c + j] = entry;
      }
    }
    randomized = rebuild_from_eigen(vectors, values, channels);
  }

  // target = (1 - mix) A + mix A', in double: mix 0 gives A and mix 1 gives A' exactly.
  const double mix = params.mix;
  const float* in = gram.data();
  float* out = target.data();
#pragma omp parallel for schedule(static) if (c * c > kParallelElements)
  for (ptrdiff_t k = 0; k < c * c; ++k)
    out[k] = float((1.0 - mix) * double(in[k]) + mix * randomized[size_t(k)]);
}

}  // namespace nsrg
