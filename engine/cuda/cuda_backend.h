// The CUDA backend's public entry points (the only engine/cuda header code outside
// engine/cuda includes; it pulls in no CUDA header).
#pragma once

#include <cstddef>
#include <memory>

#include "engine/core/backend.h"

namespace nsrg {

// Number of usable CUDA devices; 0 when there is none or the driver is missing.
int cuda_device_count();

// Total memory of the current CUDA device in bytes; 0 when it cannot be read.
size_t cuda_device_memory_bytes();

// A Backend on the current CUDA device (device 0 unless the caller chose another).
// UserError when no device is present.
std::unique_ptr<Backend> make_cuda_backend(const BackendOptions& options = {});

}  // namespace nsrg
