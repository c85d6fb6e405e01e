// Chooses and creates the Backend a render runs on: "cpu", "cuda" or "auto".
#pragma once

#include <memory>
#include <string>

#include "engine/core/backend.h"

namespace nsrg {

// True when this build has the CUDA backend and a CUDA device is present.
bool cuda_available();

// The CPU, the CUDA or (auto) the CUDA backend when available, else the CPU one. Asking for
// CUDA where it is not available is a UserError that says why (not built in, or no device).
std::unique_ptr<Backend> create_backend(BackendChoice requested, const BackendOptions& options);

}  // namespace nsrg
