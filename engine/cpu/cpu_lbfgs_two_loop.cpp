// CpuBackend::lbfgs_two_loop: the L-BFGS two-loop recursion as 2k+1 passes over d (k pairs in
// use) instead of the 4k+3 of the ring ops. Each pass does the elementwise steps that lie
// between two dots of the recursion (an axpy of one history row, plus the initial -g or the
// Hdiag scale) and then the next dot, element by element in one sweep of each reduction block
// (cpu_lbfgs_pass.h: AVX-512 where the CPU has it), so each history row is streamed once per
// loop and d is read and written once per pass. Threads own fixed ranges of whole reduction
// blocks in every pass (their share of d stays in their caches) and meet once per pass, at a
// barrier that yields the CPU rather than spin (cpu_yielding_barrier.h); then every thread
// adds up the block sums and takes the scalar steps itself. The dots are
// cpu::parallel_sum's blocks and order, and every element and scalar step is the rule the
// ring ops run, so d, the alphas and the scratch slots get the values of
// lbfgs_two_loop_with_ring_ops, on any thread count.
#include <omp.h>

#include <algorithm>
#include <vector>

#include "engine/core/elementwise_rules.h"
#include "engine/core/error.h"
#include "engine/core/optimizer_scalars.h"
#include "engine/core/ring_values.h"
#include "engine/cpu/cpu_backend_impl.h"
#include "engine/cpu/cpu_conv_state.h"
#include "engine/cpu/cpu_lbfgs_pass.h"
#include "engine/cpu/cpu_parallel.h"
#include "engine/cpu/cpu_ring_rows.h"
#include "engine/cpu/cpu_yielding_barrier.h"

namespace nsrg {

namespace {

// A history pair in use: its age and ring row, and where its s and y rows start.
struct PairRows {
  int age;
  std::ptrdiff_t index;
  const void* s;
  const void* y;
};

// Pass p of the recursion over the pairs `pairs` (newest first, k of them): pass 0 negates g
// and takes s_0 . q; passes 1..k-1 add -al y of the pair before and take s . q of the next;
// pass k adds the last -al y, scales by Hdiag and takes y . r of the oldest pair; passes
// k+1..2k add (al - be) s and take y . r of the next newer pair, pass 2k without a dot. The
// axpy factor is filled in by the caller.
cpu::LbfgsPass plan_of(int pass, const std::vector<PairRows>& pairs, const float* g, float hdiag,
                       bool bf16) {
  const int k = int(pairs.size());
  cpu::LbfgsPass plan;
  plan.bf16 = bf16;
  if (pass == 0) plan.negate = g;
  if (pass >= 1 && pass <= k) plan.axpy_row = pairs[size_t(pass - 1)].y;
  if (pass > k) plan.axpy_row = pairs[size_t(2 * k - pass)].s;
  plan.scale = pass == k;
  plan.hdiag = hdiag;
  if (pass < k) plan.dot_row = pairs[size_t(pass)].s;
  if (pass >= k && pass < 2 * k) plan.dot_row = pairs[size_t(2 * k - 1 - pass)].y;
  return plan;
}

}  // namespace

void CpuBackend::lbfgs_two_loop(const LbfgsTwoLoopArgs& args) {
  const LbfgsHistory& history = args.history;
  NSRG_CHECK(history.s_ring != nullptr && history.y_ring != nullptr && history.ro_ring != nullptr &&
                 args.grad != nullptr && args.alphas != nullptr && args.d != nullptr,
             "lbfgs_two_loop without its tensors");
  const Tensor& grad = *args.grad;
  Tensor& d = *args.d;
  Tensor& alphas = *args.alphas;
  const ScalarSlot beta = args.beta, temp = args.temp;
  NSRG_CHECK(grad.numel() == d.numel() && grad.data() != d.data(), "lbfgs_two_loop grad ",
             grad.shape().str(), " into d ", d.shape().str());
  NSRG_CHECK(history.history >= 0 && alphas.numel() >= size_t(history.history),
             "lbfgs_two_loop: alphas ", alphas.shape().str(), " for a history of ",
             history.history);
  NSRG_CHECK(history.ro_ring->numel() == size_t(history.s_ring->shape().n) &&
                 history.y_ring->shape().n == history.s_ring->shape().n,
             "lbfgs_two_loop rings ", history.s_ring->shape().str(), ", ",
             history.y_ring->shape().str(), ", ", history.ro_ring->shape().str());
  const bool bf16 = history.newest.bf16;
  const size_t n = d.numel();
  std::vector<PairRows> pairs;
  RingRow row = history.newest;
  for (int age = 0; age < history.history; ++age) {
    row.offset = history.newest.offset - age;
    const std::ptrdiff_t index = cpu::resolve_row(*history.s_ring, row);
    if (index < 0) continue;
    pairs.push_back({age, index, cpu::row_start(*history.s_ring, index, n, bf16),
                     cpu::row_start(*history.y_ring, index, n, bf16)});
  }
  // The scalar steps of the ring ops' sequence, checked here: none may throw inside the
  // parallel region.
  const float hdiag_value = coef_value(args.hdiag);
  const ScalarSlot checked[] = {beta, temp};
  for (const ScalarSlot& slot : checked)
    NSRG_CHECK(slot.array != nullptr && slot.index >= 0 && size_t(slot.index) < slot.array->numel(),
               "lbfgs_two_loop scratch slot ", slot.index);
  const float* ro = float_values(*history.ro_ring);
  float* alpha_values = float_inout(alphas);
  float* beta_value = float_inout(*beta.array) + beta.index;
  float* temp_value = float_inout(*temp.array) + temp.index;

  const int k = int(pairs.size());
  const std::ptrdiff_t blocks =
      (std::ptrdiff_t(n) + cpu::kReductionBlock - 1) / cpu::kReductionBlock;
  // Block sums in two sets, pass p writing set p % 2: a thread may start pass p + 1 while
  // another still adds up the sums of pass p, so one barrier per pass suffices.
  std::vector<double> partial(2 * size_t(blocks), 0.0);
  const float* g = float_values(grad);
  conv_->forget_weights(d.data());  // as copy() does before writing d
  float* out = float_output(d);
  const cpu::LbfgsPassKernel kernel = cpu::best_lbfgs_pass_kernel();
  cpu::YieldingBarrier barrier;
  // Each thread's copy of the alphas (allocated here: nothing may throw in the region).
  std::vector<float> thread_alphas(size_t(std::max(threads_, 1)) * size_t(k), 0.0f);
#pragma omp parallel num_threads(threads_) if (blocks >= 2)
  {
    const std::ptrdiff_t team = omp_get_num_threads(), me = omp_get_thread_num();
    const std::ptrdiff_t first = blocks * me / team, last = blocks * (me + 1) / team;
    // Every thread takes the scalar steps itself (the same values on all); thread 0 also
    // stores them in the op's outputs.
    float* alpha = thread_alphas.data() + size_t(me) * size_t(k);
    float axpy_factor = 0.0f;
    for (int pass = 0; pass <= 2 * k; ++pass) {
      cpu::LbfgsPass plan = plan_of(pass, pairs, g, hdiag_value, bf16);
      plan.axpy_factor = axpy_factor;
      double* sums = partial.data() + size_t(pass % 2) * size_t(blocks);
      for (std::ptrdiff_t b = first; b < last; ++b) {
        const std::ptrdiff_t begin = b * cpu::kReductionBlock;
        const std::ptrdiff_t end = std::min(begin + cpu::kReductionBlock, std::ptrdiff_t(n));
        sums[b] = cpu::run_lbfgs_pass(kernel, plan, out, begin, end);
      }
      if (plan.dot_row == nullptr) continue;  // the last pass
      barrier.arrive_and_wait(int(team));
      double sum = 0.0;
      for (std::ptrdiff_t b = 0; b < blocks; ++b) sum += sums[b];
      if (pass < k) {  // al = ro (s . q); the next pass adds -al y
        const PairRows& pair = pairs[size_t(pass)];
        const float al = float(scaled_ring_dot(sum, ro, int64_t(pair.index)));
        alpha[size_t(pass)] = al;
        axpy_factor = coefficient_value(-1.0f, &al);
        if (me == 0) alpha_values[pair.age] = al;
      } else {  // be = ro (y . r); the next pass adds (al - be) s
        const int index = 2 * k - 1 - pass;
        const PairRows& pair = pairs[size_t(index)];
        const float be = float(scaled_ring_dot(sum, ro, int64_t(pair.index)));
        const float step =
            apply_scalar_op(ScalarOp::Subtract, coefficient_value(1.0f, &alpha[size_t(index)]),
                            coefficient_value(1.0f, &be));
        axpy_factor = coefficient_value(1.0f, &step);
        if (me == 0) {
          *beta_value = be;
          *temp_value = step;
        }
      }
    }
  }
}

}  // namespace nsrg
