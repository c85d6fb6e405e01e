// CudaBackend::available_memory_bytes: the device's free memory (cudaMemGetInfo) plus what
// the backend's memory pool holds (live and cached blocks), for the memory plan.
#include "engine/cuda/cuda_backend_impl.h"
#include "engine/cuda/cuda_check.h"

namespace nsrg {

size_t CudaBackend::available_memory_bytes() const {
  size_t free_bytes = 0, total_bytes = 0;
  NSRG_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
  return free_bytes + pool_->reserved_bytes();
}

}  // namespace nsrg
