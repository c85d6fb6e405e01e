// The portable kernel of one fused L-BFGS pass (cpu_lbfgs_pass.h) and the choice of kernel:
// each element runs the engine/core rules of the ring ops in their order (scale_element,
// ring_axpy_element, ring_dot_term), and the dot is cpu::block_sum of the terms.
#include "engine/cpu/cpu_lbfgs_pass.h"

#include "engine/core/elementwise_rules.h"
#include "engine/core/ring_values.h"
#include "engine/cpu/cpu_parallel.h"

namespace nsrg::cpu {

namespace {

template <bool Bf16>
double portable_pass(const LbfgsPass& pass, float* d, std::ptrdiff_t begin, std::ptrdiff_t end) {
  const auto update = [&](std::ptrdiff_t i) {
    if (pass.negate != nullptr) {
      d[i] = pass.negate[i];
      scale_element(-1.0f, d, size_t(i));
    }
    if (pass.axpy_row != nullptr)
      ring_axpy_element(pass.axpy_factor, pass.axpy_row, Bf16, d, size_t(i));
    if (pass.scale) scale_element(pass.hdiag, d, size_t(i));
  };
  if (pass.dot_row == nullptr) {
    for (std::ptrdiff_t i = begin; i < end; ++i) update(i);
    return 0.0;
  }
  return block_sum(begin, end, [&](std::ptrdiff_t i) {
    update(i);
    return ring_dot_term(pass.dot_row, Bf16, d, size_t(i));
  });
}

}  // namespace

LbfgsPassKernel best_lbfgs_pass_kernel() {
  static const bool avx512 = __builtin_cpu_supports("avx512f") &&
                             __builtin_cpu_supports("avx512bw") &&
                             __builtin_cpu_supports("avx512vl");
  return avx512 ? LbfgsPassKernel::Avx512 : LbfgsPassKernel::Portable;
}

double run_lbfgs_pass(LbfgsPassKernel kernel, const LbfgsPass& pass, float* d, std::ptrdiff_t begin,
                      std::ptrdiff_t end) {
  if (kernel == LbfgsPassKernel::Avx512) return run_lbfgs_pass_avx512(pass, d, begin, end);
  return pass.bf16 ? portable_pass<true>(pass, d, begin, end)
                   : portable_pass<false>(pass, d, begin, end);
}

}  // namespace nsrg::cpu
