// OpenMP helpers of the CPU backend: element loops and deterministic reductions.
//
// Reductions split the range into fixed blocks of kReductionBlock terms (a number that does
// not depend on the threads), sum each block in double on kSumLanes interleaved lanes
// (block_sum), and add the block sums in block order, so a result does not depend on the
// number of threads.
// Every loop takes the backend's thread count explicitly.
#pragma once

#include <omp.h>

#include <cstddef>
#include <vector>

namespace nsrg::cpu {

// Loops over fewer elements than this run on the calling thread alone. These loops are
// memory-bound, so a second thread gains little on them, while waking it costs up to a
// scheduler time slice (measured 8 ms per call on a busy 2-core machine, against 0.7 ms
// for a 786k-element dot product on one thread).
constexpr std::ptrdiff_t kParallelThreshold = std::ptrdiff_t(1) << 20;
constexpr std::ptrdiff_t kReductionBlock = 16384;

// body(i) for i in [0, n), on up to `threads` threads.
template <typename Body>
void parallel_for(int threads, std::ptrdiff_t n, Body body) {
#pragma omp parallel for schedule(static) num_threads(threads) if (n > kParallelThreshold)
  for (std::ptrdiff_t i = 0; i < n; ++i) body(i);
}

// Sum of term(i) (a double) for i in [begin, end), term(i) called in order of i: term i goes
// to lane (i - begin) mod kSumLanes, each lane sums in double, and the lanes are added
// pairwise ((0+1)+(2+3))+((4+5)+(6+7)). The lanes keep the adds independent, so the sum is
// not bound by the latency of one chain of double adds.
constexpr int kSumLanes = 8;
template <typename Term>
double block_sum(std::ptrdiff_t begin, std::ptrdiff_t end, Term term) {
  double lanes[kSumLanes] = {};
  std::ptrdiff_t i = begin;
  for (; i + kSumLanes <= end; i += kSumLanes)
    for (int j = 0; j < kSumLanes; ++j) lanes[j] += term(i + j);
  for (int j = 0; i < end; ++i, ++j) lanes[j] += term(i);
  return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) +
         ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}

// Sum of term(i) (a double) for i in [0, n): block_sum of each block of kReductionBlock
// terms, the block sums added in block order; on up to `threads` threads, which take whole
// blocks.
template <typename Term>
double parallel_sum(int threads, std::ptrdiff_t n, Term term) {
  const std::ptrdiff_t blocks = (n + kReductionBlock - 1) / kReductionBlock;
  std::vector<double> partial(size_t(blocks > 0 ? blocks : 0), 0.0);
#pragma omp parallel for schedule(static) num_threads(threads) if (n > kParallelThreshold)
  for (std::ptrdiff_t b = 0; b < blocks; ++b) {
    const std::ptrdiff_t begin = b * kReductionBlock;
    const std::ptrdiff_t end = begin + kReductionBlock < n ? begin + kReductionBlock : n;
    partial[size_t(b)] = block_sum(begin, end, term);
  }
  double total = 0.0;
  for (double value : partial) total += value;
  return total;
}

}  // namespace nsrg::cpu
