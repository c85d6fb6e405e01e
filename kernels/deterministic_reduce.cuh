// The deterministic two-pass reduction used by reduction.cu and loss.cu (device code).
//
// Pass 1: a grid whose size depends only on the element count; each thread adds its
// grid-stride elements in index order (in double), each block adds its threads in a fixed
// tree, and block b writes partials[b]. Pass 2: one block adds the partials in a fixed
// order and writes the result. No floating-point atomics, so the same input always gives
// the same bits. Included by .cu files only.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>

#include "kernels/launch_config.cuh"
#include "kernels/reduction.cuh"

namespace nsrg::kernels {

// Blocks of pass 1 for `count` elements: at least 4 elements a thread, at most
// kReducePartials blocks.
inline unsigned reduce_blocks(size_t count) {
  size_t blocks = (count + 4 * kThreads - 1) / (4 * kThreads);
  if (blocks < 1) blocks = 1;
  if (blocks > size_t(kReducePartials)) blocks = kReducePartials;
  return unsigned(blocks);
}

// Sum of `value` over the block, valid in thread 0. Fixed tree order. blockDim.x must be
// kThreads (a power of two).
__device__ __forceinline__ double block_sum(double value) {
  __shared__ double shared[kThreads];
  shared[threadIdx.x] = value;
  __syncthreads();
  for (int half = kThreads / 2; half > 0; half /= 2) {
    if (int(threadIdx.x) < half) shared[threadIdx.x] += shared[threadIdx.x + half];
    __syncthreads();
  }
  return shared[0];
}

// Pass 1. term(i) returns element i's contribution (and may write per-element outputs, each
// index is visited exactly once).
template <typename Term>
__global__ void reduce_partials_kernel(size_t count, Term term, double* partials) {
  double sum = 0.0;
  for (size_t i = first_index(); i < count; i += grid_stride()) sum += double(term(i));
  sum = block_sum(sum);
  if (threadIdx.x == 0) partials[blockIdx.x] = sum;
}

// Pass 2 (defined in reduction.cu): one block; total = sum of partials[0 .. count); writes
// float(total * multiplier) to *out when out is set, and total to *total_out when that is set.
void launch_reduce_final(const double* partials, unsigned count, double multiplier, float* out,
                         double* total_out, cudaStream_t stream);

// Both passes on `stream`.
template <typename Term>
void reduce(size_t count, Term term, const ReduceScratch& scratch, double multiplier, float* out,
            double* total_out, cudaStream_t stream) {
  const unsigned blocks = reduce_blocks(count);
  launch_checked(reduce_partials_kernel<Term>, blocks, kThreads, stream, count, term,
                 scratch.partials);
  launch_reduce_final(scratch.partials, blocks, multiplier, out, total_out, stream);
}

}  // namespace nsrg::kernels
