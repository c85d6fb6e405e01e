// CudaBackend style-randomization ops: the symmetric eigendecomposition by cuSOLVER dsyevd on
// a double copy (as the CPU backend's LAPACK dsyevd), and randomize_gram: Philox multipliers
// drawn in kernels, A' = V' diag(lambda') V'^T by a double GEMM, symmetrized, mixed with A.
//
// Row-major C x C matrices seen by the column-major libraries:
//  - syevd factors the column-major double copy of the row-major M (the same matrix, as the
//    CPU backend gives LAPACK; engine/core/square_matrix_rules.h) and reads its upper
//    triangle, M's row-major upper one, the triangle the interface promises to read
//    (CUBLAS_FILL_MODE_UPPER, LAPACK's 'U'). Its eigenvectors come back column-major
//    (column j = eigenvector j) and are transposed into row-major V[i*C + j].
//  - rebuild, where the column-major views are transposes: with P = V' and S = V' diag(lambda')
//  row-major, the row-major result
//    R = S P^T is column-major R^T = P S^T = (P_col)^T S_col where P_col = P^T and
//    S_col = S^T are the column-major views: DGEMM(T, N) of P and S, all ld = C.
#include <cmath>

#include "engine/core/error.h"
#include "engine/core/shape_checks.h"
#include "engine/cuda/cuda_backend_impl.h"
#include "engine/cuda/cuda_check.h"
#include "kernels/randomize.cuh"

namespace nsrg {

int CudaBackend::read_flag(const int* device_flag) {
  int value = 0;
  NSRG_CUDA_CHECK(
      cudaMemcpyAsync(&value, device_flag, sizeof(int), cudaMemcpyDeviceToHost, stream()));
  NSRG_CUDA_CHECK(cudaStreamSynchronize(stream()));
  return value;
}

void CudaBackend::decompose_symmetric(const Tensor& matrix, int channels, DeviceBuffer& vectors,
                                      DeviceBuffer& values, const char* op) {
  DeviceBuffer flags(*pool_, 2 * sizeof(int));  // [0]: non-finite input, [1]: solver info
  NSRG_CUDA_CHECK(cudaMemsetAsync(flags.data(), 0, 2 * sizeof(int), stream()));
  kernels::launch_widen_matrix(matrix.data(), vectors.as<double>(), channels, flags.as<int>(),
                               stream());
  // Once per matrix, at setup: the host checks the input before solving and the solver's
  // status after.
  NSRG_CHECK(read_flag(flags.as<int>()) == 0, op, ": the matrix has a non-finite entry");

  const cusolverEigMode_t jobz = CUSOLVER_EIG_MODE_VECTOR;
  const cublasFillMode_t uplo = CUBLAS_FILL_MODE_UPPER;
  int work_size = 0;
  NSRG_CUSOLVER_CHECK(cusolverDnDsyevd_bufferSize(cusolver_.get(), jobz, uplo, channels,
                                                  vectors.as<double>(), channels,
                                                  values.as<double>(), &work_size));
  DeviceBuffer workspace(*pool_, size_t(work_size > 0 ? work_size : 1) * sizeof(double));
  NSRG_CUSOLVER_CHECK(cusolverDnDsyevd(cusolver_.get(), jobz, uplo, channels, vectors.as<double>(),
                                       channels, values.as<double>(), workspace.as<double>(),
                                       work_size, flags.as<int>() + 1));
  const int info = read_flag(flags.as<int>() + 1);
  NSRG_CHECK(info == 0, "cusolverDnDsyevd returned info ", info, " for a ", channels, "x", channels,
             " matrix");
}

void CudaBackend::symmetric_eigen(const Tensor& matrix, Tensor& eigenvalues, Tensor& eigenvectors) {
  (void)float_values(matrix);
  (void)float_output(eigenvalues);
  (void)float_output(eigenvectors);
  const int channels = check_eigen_arguments(matrix, eigenvalues, eigenvectors);
  const size_t c = size_t(channels);

  DeviceBuffer work_matrix(*pool_, c * c * sizeof(double));
  DeviceBuffer values(*pool_, c * sizeof(double));
  decompose_symmetric(matrix, channels, work_matrix, values, "symmetric_eigen");
  kernels::launch_narrow_eigen(work_matrix.as<double>(), values.as<double>(), channels,
                               eigenvectors.data(), eigenvalues.data(), stream());
}

void CudaBackend::randomize_gram(const Tensor& gram, const Tensor& eigenvalues,
                                 const Tensor& eigenvectors, const GramRandomization& params,
                                 Tensor& target) {
  (void)float_values(gram);
  (void)float_output(target);
  const int channels = check_randomize_arguments(gram, params, target);
  const size_t c = size_t(channels);
  if (params.mode == RandomizeMode::None) {
    copy(gram, target);
    return;
  }
  NSRG_CHECK(target.data() != gram.data(), "randomize_gram: target aliases the gram");
  if (params.mode == RandomizeMode::RandomGram) {
    kernels::launch_random_gram(params, gram.data(), channels, reduce_scratch(), scalar_scratch(),
                                target.data(), stream());
    return;
  }
  NSRG_CHECK(eigenvalues.numel() == c && eigenvectors.shape() == gram.shape(),
             "randomize_gram: eigenvalues ", eigenvalues.shape().str(), " and eigenvectors ",
             eigenvectors.shape().str(), " for a gram ", gram.shape().str());
  NSRG_CHECK(target.data() != eigenvalues.data() && target.data() != eigenvectors.data(),
             "randomize_gram: target aliases the eigendecomposition");

  DeviceBuffer vectors(*pool_, c * c * sizeof(double));
  DeviceBuffer scaled(*pool_, c * c * sizeof(double));
  DeviceBuffer rebuilt(*pool_, c * c * sizeof(double));
  kernels::launch_randomize_eigen(params, eigenvalues.data(), eigenvectors.data(), channels,
                                  vectors.as<double>(), scaled.as<double>(), stream());
  const double one = 1.0, zero = 0.0;
  NSRG_CUBLAS_CHECK(cublasDgemm(cublas_.get(), CUBLAS_OP_T, CUBLAS_OP_N, channels, channels,
                                channels, &one, vectors.as<double>(), channels, scaled.as<double>(),
                                channels, &zero, rebuilt.as<double>(), channels));
  kernels::launch_mix_rebuilt(params, gram.data(), rebuilt.as<double>(), channels, scalar_scratch(),
                              target.data(), stream());
}

}  // namespace nsrg
