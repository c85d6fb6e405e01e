// Launch-shape helpers shared by the kernel files: the thread-block size, a bounded grid
// for grid-stride loops, and the grid-stride index range. Included by .cu files only.
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

}  // namespace nsrg::kernels
