// One pass of the CPU backend's fused L-BFGS two-loop recursion (cpu_lbfgs_two_loop.cpp) over
// one reduction block of the direction d: the elementwise steps that lie between two dots of
// the recursion, then the next dot's block sum. Two kernels with the same bits: a portable
// one (the engine/core rules element by element, cpu::block_sum for the dot) and an AVX-512
// one (cpu_lbfgs_pass_avx512.cpp), chosen at run time by the CPU's flags.
#pragma once

#include <cstddef>

namespace nsrg::cpu {

// What one pass does to each element of d, in this order, and the dot that ends it.
struct LbfgsPass {
  const float* negate = nullptr;   // d = -negate (the gradient, in the first pass)
  const void* axpy_row = nullptr;  // d += axpy_factor * axpy_row (a history row)
  float axpy_factor = 0.0f;
  bool scale = false;  // d *= hdiag (the end of the first loop)
  float hdiag = 1.0f;
  const void* dot_row = nullptr;  // then dot_row . d (a history row), summed in double
  bool bf16 = false;              // the history rows hold bf16 values (else float32)
};

enum class LbfgsPassKernel { Portable, Avx512 };

// The fastest kernel this CPU runs.
LbfgsPassKernel best_lbfgs_pass_kernel();

// Applies `pass` to d[begin, end) (at most cpu::kReductionBlock elements, one reduction
// block) and returns the block sum of its dot in cpu::block_sum's lane order (0 without a
// dot). Every kernel gives the same d and sum to the bit.
double run_lbfgs_pass(LbfgsPassKernel kernel, const LbfgsPass& pass, float* d, std::ptrdiff_t begin,
                      std::ptrdiff_t end);

// The AVX-512 kernel (cpu_lbfgs_pass_avx512.cpp); only on CPUs with avx512f.
double run_lbfgs_pass_avx512(const LbfgsPass& pass, float* d, std::ptrdiff_t begin,
                             std::ptrdiff_t end);

}  // namespace nsrg::cpu
