// The CPU backend: oneDNN convolutions, OpenBLAS SYRK/GEMM, LAPACK eigensolver, OpenMP loops.
// It is the reference the CUDA backend is tested against.
#pragma once

#include <memory>

#include "engine/core/backend.h"

namespace nsrg {

std::unique_ptr<Backend> make_cpu_backend(const BackendOptions& options = {});

}  // namespace nsrg
