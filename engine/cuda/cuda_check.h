// The CUDA members of the check-macro family: NSRG_CUDA_CHECK, NSRG_CUDNN_CHECK,
// NSRG_CUBLAS_CHECK, NSRG_CUSOLVER_CHECK and NSRG_CUDA_CHECK_LAUNCH. Each throws
// nsrg::InternalError carrying the call text, the file, the line and the library's own
// error name and description. Host code of engine/cuda only.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>
#include <cusolverDn.h>

#include <string>

#include "engine/core/error.h"

namespace nsrg::cuda_detail {

std::string describe(cudaError_t status);
std::string describe(cudnnStatus_t status);
std::string describe(cublasStatus_t status);
std::string describe(cusolverStatus_t status);

template <typename Status>
inline void check(Status status, Status success, const char* call, const char* file, int line) {
  if (status != success) ::nsrg::detail::throw_internal(call, file, line, describe(status));
}

}  // namespace nsrg::cuda_detail

#define NSRG_CUDA_CHECK(call) \
  ::nsrg::cuda_detail::check<cudaError_t>((call), cudaSuccess, #call, __FILE__, __LINE__)
#define NSRG_CUDNN_CHECK(call) \
  ::nsrg::cuda_detail::check<cudnnStatus_t>((call), CUDNN_STATUS_SUCCESS, #call, __FILE__, __LINE__)
#define NSRG_CUBLAS_CHECK(call)                                                              \
  ::nsrg::cuda_detail::check<cublasStatus_t>((call), CUBLAS_STATUS_SUCCESS, #call, __FILE__, \
                                             __LINE__)
#define NSRG_CUSOLVER_CHECK(call)                                                                \
  ::nsrg::cuda_detail::check<cusolverStatus_t>((call), CUSOLVER_STATUS_SUCCESS, #call, __FILE__, \
                                               __LINE__)
// After every kernel launch: reports a bad launch configuration (and any earlier
// asynchronous failure) at the launch site.
#define NSRG_CUDA_CHECK_LAUNCH() NSRG_CUDA_CHECK(cudaGetLastError())
