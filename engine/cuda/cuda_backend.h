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

// Free memory of the current CUDA device now (cudaMemGetInfo), in bytes; 0 when it cannot be
// read. Memory a backend's pool caches counts as used here; available_memory_bytes adds it.
size_t cuda_device_free_bytes();

// What a test may force on the CUDA backend that the backend otherwise decides itself.
struct CudaTestOverrides {
  // No cuDNN algorithm search: every convolution runs the fallback the backend takes when
  // the search finds no acceptable algorithm (implicit GEMM forward, algorithm 1 backward).
  bool fallback_convolutions = false;
};

// A Backend on the current CUDA device (device 0 unless the caller chose another).
// UserError when no device is present.
std::unique_ptr<Backend> make_cuda_backend(const BackendOptions& options = {});
std::unique_ptr<Backend> make_cuda_backend(const BackendOptions& options,
                                           const CudaTestOverrides& overrides);

}  // namespace nsrg
