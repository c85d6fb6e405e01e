// CudaBackend::available_memory_bytes: the device's free memory (cudaMemGetInfo) plus what
// the backend's memory pool holds (live and cached blocks), for the memory plan; 0 when the
// device's figure cannot be read (the Backend contract: the plan then checks nothing).
#include "engine/cuda/cuda_backend.h"
#include "engine/cuda/cuda_backend_impl.h"

namespace nsrg {

size_t CudaBackend::available_memory_bytes() const {
  const size_t free_bytes = cuda_device_free_bytes();
  if (free_bytes == 0) return 0;
  return free_bytes + pool_->reserved_bytes();
}

}  // namespace nsrg
