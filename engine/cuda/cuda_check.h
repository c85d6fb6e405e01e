// The CUDA library members of the check-macro family: NSRG_CUDNN_CHECK, NSRG_CUBLAS_CHECK and
// NSRG_CUSOLVER_CHECK, beside the runtime's NSRG_CUDA_CHECK and NSRG_CUDA_CHECK_LAUNCH
// (kernels/cuda_runtime_check.h). Each throws nsrg::InternalError carrying the call text, the
// file, the line and the library's own error name and description. Host code of engine/cuda
// only.
#pragma once

#include <cublas_v2.h>
#include <cudnn.h>
#include <cusolverDn.h>

#include <string>

#include "engine/core/error.h"
#include "kernels/cuda_runtime_check.h"

namespace nsrg::cuda_detail {

std::string describe(cudnnStatus_t status);
std::string describe(cublasStatus_t status);
std::string describe(cusolverStatus_t status);

inline void check(cudnnStatus_t status, const char* call, const char* file, int line) {
  if (status != CUDNN_STATUS_SUCCESS)
    ::nsrg::detail::throw_internal(call, file, line, describe(status));
}
inline void check(cublasStatus_t status, const char* call, const char* file, int line) {
  if (status != CUBLAS_STATUS_SUCCESS)
    ::nsrg::detail::throw_internal(call, file, line, describe(status));
}
inline void check(cusolverStatus_t status, const char* call, const char* file, int line) {
  if (status != CUSOLVER_STATUS_SUCCESS)
    ::nsrg::detail::throw_internal(call, file, line, describe(status));
}

// A failed runtime call whose exception a caller may catch and go on from (an allocation the
// pool refuses, a memory figure): the runtime's last error is cleared before the throw, so the
// next launch check (NSRG_CUDA_CHECK_LAUNCH reads cudaGetLastError) does not report it again
// from an unrelated kernel. A sticky error (a lost context) stays, cleared or not.
inline void check_clearing(cudaError_t status, const char* call, const char* file, int line) {
  if (status == cudaSuccess) return;
  (void)cudaGetLastError();
  check(status, call, file, line);
}

}  // namespace nsrg::cuda_detail

#define NSRG_CUDNN_CHECK(call) ::nsrg::cuda_detail::check((call), #call, __FILE__, __LINE__)
#define NSRG_CUBLAS_CHECK(call) ::nsrg::cuda_detail::check((call), #call, __FILE__, __LINE__)
#define NSRG_CUSOLVER_CHECK(call) ::nsrg::cuda_detail::check((call), #call, __FILE__, __LINE__)
#define NSRG_CUDA_CHECK_CLEARING(call) \
  ::nsrg::cuda_detail::check_clearing((call), #call, __FILE__, __LINE__)
