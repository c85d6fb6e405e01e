// Error descriptions of the CUDA runtime for NSRG_CUDA_CHECK (kernels/cuda_runtime_check.h).
#include "kernels/cuda_runtime_check.h"

namespace nsrg::cuda_detail {

std::string describe(cudaError_t status) {
  return msg(cudaGetErrorName(status), " (", cudaGetErrorString(status), ")");
}

}  // namespace nsrg::cuda_detail
