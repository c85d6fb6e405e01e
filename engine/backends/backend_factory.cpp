// Backend selection: makes the Backend a BackendChoice asks for.
#include "engine/backends/backend_factory.h"

#include "engine/core/error.h"
#include "engine/cpu/cpu_backend.h"
#ifdef NSRG_HAVE_CUDA
#include "engine/cuda/cuda_backend.h"
#endif

namespace nsrg {

bool cuda_available() {
#ifdef NSRG_HAVE_CUDA
  return cuda_device_count() > 0;
#else
  return false;
#endif
}

std::unique_ptr<Backend> create_backend(BackendChoice requested, const BackendOptions& options) {
  if (requested == BackendChoice::Cpu) return make_cpu_backend(options);
  if (requested == BackendChoice::Cuda) {
#ifdef NSRG_HAVE_CUDA
    NSRG_REQUIRE(cuda_device_count() > 0,
                 "backend \"cuda\": no CUDA device is present (use backend = \"cpu\" or \"auto\")");
    return make_cuda_backend(options);
#else
    throw UserError(
        "backend \"cuda\": this build has no CUDA backend (rebuild with -DNSRG_CUDA=ON, or use "
        "backend = \"cpu\")");
#endif
  }
  if (cuda_available()) {
#ifdef NSRG_HAVE_CUDA
    return make_cuda_backend(options);
#endif
  }
  return make_cpu_backend(options);
}

}  // namespace nsrg
