// Error descriptions of cuDNN, cuBLAS and cuSOLVER for the check macros
// (engine/cuda/cuda_check.h).
#include "engine/cuda/cuda_check.h"

namespace nsrg::cuda_detail {

std::string describe(cudnnStatus_t status) {
  return msg("cuDNN status ", int(status), " (", cudnnGetErrorString(status), ")");
}

std::string describe(cublasStatus_t status) {
  return msg(cublasGetStatusName(status), " (", cublasGetStatusString(status), ")");
}

std::string describe(cusolverStatus_t status) {
  switch (status) {
    case CUSOLVER_STATUS_NOT_INITIALIZED:
      return "CUSOLVER_STATUS_NOT_INITIALIZED";
    case CUSOLVER_STATUS_ALLOC_FAILED:
      return "CUSOLVER_STATUS_ALLOC_FAILED (device memory)";
    case CUSOLVER_STATUS_INVALID_VALUE:
      return "CUSOLVER_STATUS_INVALID_VALUE";
    case CUSOLVER_STATUS_ARCH_MISMATCH:
      return "CUSOLVER_STATUS_ARCH_MISMATCH";
    case CUSOLVER_STATUS_EXECUTION_FAILED:
      return "CUSOLVER_STATUS_EXECUTION_FAILED";
    case CUSOLVER_STATUS_INTERNAL_ERROR:
      return "CUSOLVER_STATUS_INTERNAL_ERROR";
    case CUSOLVER_STATUS_MATRIX_TYPE_NOT_SUPPORTED:
      return "CUSOLVER_STATUS_MATRIX_TYPE_NOT_SUPPORTED";
    case CUSOLVER_STATUS_NOT_SUPPORTED:
      return "CUSOLVER_STATUS_NOT_SUPPORTED";
    default:
      return msg("cuSOLVER status ", int(status));
  }
}

}  // namespace nsrg::cuda_detail
