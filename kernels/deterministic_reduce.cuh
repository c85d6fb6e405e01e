// The deterministic two-pass reduction used by reduction.cu, loss.cu and randomize.cu
// (device code), and the term functors they share.
//
// Pass 1: a grid whose size depends only on the element count; each thread adds its
// grid-stride elements in index order (in double), each block adds its threads in a fixed
// tree, and block b writes partials[b]. Pass 2: one block adds the partials in a fixed
// order and writes the result. No floating-point atomics, so the same input always gives
// the same bits. What is summed (a term functor) and what becomes of the total (a finish
// functor) call the host/device rules of engine/core that the CPU backend runs too; this
// file holds only the order of the additions. Included by .cu files only.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>

#include "engine/core/reduction_terms.h"
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

// The sum of the partials [0, count) in pass 2's fixed order (one block), valid in thread 0.
__device__ __forceinline__ double sum_partials(const double* partials, unsigned count) {
  double sum = 0.0;
  for (unsigned i = threadIdx.x; i < count; i += blockDim.x) sum += partials[i];
  return block_sum(sum);
}

// Pass 2: writes float(finish(total)) to *out when out is set, and total to *total_out when
// that is set.
template <typename Finish>
__global__ void reduce_final_kernel(const double* partials, unsigned count, Finish finish,
                                    float* out, double* total_out) {
  const double total = sum_partials(partials, count);
  if (threadIdx.x == 0) {
    if (out != nullptr) *out = float(finish(total));
    if (total_out != nullptr) *total_out = total;
  }
}

// Both passes on `stream`.
template <typename Term, typename Finish>
void reduce(size_t count, Term term, const ReduceScratch& scratch, Finish finish, float* out,
            double* total_out, cudaStream_t stream) {
  const unsigned blocks = reduce_blocks(count);
  launch_checked(reduce_partials_kernel<Term>, blocks, kThreads, stream, count, term,
                 scratch.partials);
  launch_checked(reduce_final_kernel<Finish>, 1, kThreads, stream, scratch.partials, blocks, finish,
                 out, total_out);
}

// ---- shared terms and finishes (engine/core/reduction_terms.h) ----------------------------

struct DotTerm {
  const float* a;
  const float* b;
  __device__ double operator()(size_t i) const { return dot_term(a, b, i); }
};

struct AbsTerm {
  const float* a;
  __device__ double operator()(size_t i) const { return abs_term(a, i); }
};

struct ValueTerm {
  const float* a;
  __device__ double operator()(size_t i) const { return value_term(a, i); }
};

// The total itself (dot, asum, sum).
struct PlainTotal {
  __device__ double operator()(double total) const { return total; }
};

}  // namespace nsrg::kernels
