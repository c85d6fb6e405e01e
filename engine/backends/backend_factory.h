// Chooses and creates the Backend a render runs on: "cpu", "cuda" or "auto".
#pragma once

#include <memory>
#include <string>

#include "engine/core/backend.h"

namespace nsrg {

// True when this build has the CUDA backend and a CUDA device is present.
bool cuda_available();

// "cpu", "cuda" or "auto" (CUDA when available, else CPU). Asking for "cuda" where it is not
// available is a UserError that says why (not built in, or no device).
std::unique_ptr<Backend> create_backend(const std::string& requested,
                                        const BackendOptions& options);

}  // namespace nsrg
