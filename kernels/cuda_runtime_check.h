// The CUDA runtime members of the check-macro family, NSRG_CUDA_CHECK and
// NSRG_CUDA_CHECK_LAUNCH: each throws nsrg::InternalError with the call text, the file, the
// line and the runtime's error name and description. In kernels/ because every kernel
// launcher checks its own launches (launch_config.cuh); engine/cuda/cuda_check.h adds the
// cuDNN, cuBLAS and cuSOLVER members. Host code only.
#pragma once

#include <cuda_runtime.h>

#include <string>

#include "engine/core/error.h"

namespace nsrg::cuda_detail {

std::string describe(cudaError_t status);

// One overload per library status type (engine/cuda/cuda_check.h adds the others).
inline void check(cudaError_t status, const char* call, const char* file, int line) {
  if (status != cudaSuccess) ::nsrg::detail::throw_internal(call, file, line, describe(status));
}

}  // namespace nsrg::cuda_detail

#define NSRG_CUDA_CHECK(call) ::nsrg::cuda_detail::check((call), #call, __FILE__, __LINE__)
// After a kernel launch: reports a bad launch configuration (and any earlier asynchronous
// failure) at the launch site.
#define NSRG_CUDA_CHECK_LAUNCH() NSRG_CUDA_CHECK(cudaGetLastError())
