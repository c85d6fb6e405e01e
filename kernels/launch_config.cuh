// Launch-shape helpers shared by the kernel files: the thread-block size, a bounded grid
// for grid-stride loops, the grid-stride index range, and the one launcher of grid-stride
// kernels. Included by .cu files only.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>

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

// Launches grid-stride `kernel` over `count` elements on `stream` with `args`; nothing for
// an empty range (a launch of zero blocks is an error). The backend checks every launcher
// it calls with NSRG_CUDA_CHECK_LAUNCH (engine/cuda/cuda_check.h).
template <typename... Params, typename... Args>
void launch_grid_stride(void (*kernel)(Params...), size_t count, cudaStream_t stream,
                        Args... args) {
  if (count == 0) return;
  kernel<<<grid_for(count), kThreads, 0, stream>>>(args...);
}

}  // namespace nsrg::kernels
