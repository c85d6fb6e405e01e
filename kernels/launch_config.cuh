// Launch-shape helpers shared by the kernel files: the thread-block size, a bounded grid
// for grid-stride loops, the grid-stride index range, and the two launchers every kernel
// goes through (each checks its launch). Included by .cu files only.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>

#include "kernels/cuda_runtime_check.h"

namespace nsrg::kernels {

constexpr int kThreads = 256;
// Grid-stride loops cover any size; more blocks than this add nothing on current GPUs.
constexpr size_t kMaxBlocks = 65536;

inline unsigned grid_for(size_t count) {
  size_t blocks = (count + kThreads - 1) / kThreads;
  if (blocks < 1) blocks = 1;
  if (blocks > kMaxBlocks) blocks = kMaxBlocks;
  return unsigned(blocks);
}

__device__ __forceinline__ size_t first_index() {
  return size_t(blockIdx.x) * blockDim.x + threadIdx.x;
}

__device__ __forceinline__ size_t grid_stride() {
  return size_t(gridDim.x) * blockDim.x;
}

// Launches `kernel` on `blocks` x `threads` on `stream` with `args` and checks the launch
// (NSRG_CUDA_CHECK_LAUNCH: a bad configuration or an earlier asynchronous failure throws).
template <typename... Params, typename... Args>
void launch_checked(void (*kernel)(Params...), unsigned blocks, unsigned threads,
                    cudaStream_t stream, Args... args) {
  kernel<<<blocks, threads, 0, stream>>>(args...);
  NSRG_CUDA_CHECK_LAUNCH();
}

// Launches grid-stride `kernel` over `count` elements on `stream` with `args`, checked;
// nothing for an empty range (a launch of zero blocks is an error).
template <typename... Params, typename... Args>
void launch_grid_stride(void (*kernel)(Params...), size_t count, cudaStream_t stream,
                        Args... args) {
  if (count == 0) return;
  launch_checked(kernel, grid_for(count), kThreads, stream, args...);
}

}  // namespace nsrg::kernels
