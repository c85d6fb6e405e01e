// Backend selection: maps "cpu" | "cuda" | "auto" to a Backend instance.
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

std::unique_ptr<Backend> create_backend(const std::string& requested,
                                        const BackendOptions& options) {
  if (requested == "cpu") return make_cpu_backend(options);
  if (requested == "cuda") {
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
  NSRG_REQUIRE(requested == "auto", "backend \"", requested, "\": expected cpu, cuda or auto");
  if (cuda_available()) {
#ifdef NSRG_HAVE_CUDA
    return make_cuda_backend(options);
#endif
  }
  return make_cpu_backend(options);
}

}  // namespace nsrg
