// The per-element terms of the sums the Backend reduces (dot, asum, sum_scalars, and the L1
// norm of normalize_gradients and of random_gram's Gram): term i, in double. Each backend
// adds the terms in its own fixed order (cpu::parallel_sum's blocks in
// engine/cpu/cpu_parallel.h, the two-pass tree of kernels/deterministic_reduce.cuh); the
// terms themselves come from here, on both.
#pragma once

#include <cmath>
#include <cstddef>

#include "engine/core/host_device.h"

namespace nsrg {

// a_i b_i
NSRG_HOST_DEVICE double dot_term(const float* a, const float* b, size_t i) {
  return double(a[i]) * double(b[i]);
}

// |a_i|
NSRG_HOST_DEVICE double abs_term(const float* a, size_t i) {
#if defined(__CUDA_ARCH__)
  return double(fabsf(a[i]));
#else
  return double(std::fabs(a[i]));
#endif
}

// a_i
NSRG_HOST_DEVICE double value_term(const float* a, size_t i) {
  return double(a[i]);
}

}  // namespace nsrg
