// CpuBackend::lbfgs_two_loop: the L-BFGS two-loop recursion as 2k+1 passes over d (k pairs in
// use) instead of the 4k+3 of the ring ops. Each pass does the elementwise steps that lie
// between two dots of the recursion (an axpy of one history row, plus the initial -g or the
// Hdiag scale) and then the next dot, block by block, so each history row is streamed once
// per loop and d is read once per pass. Threads own fixed ranges of whole reduction blocks in
// every pass (their share of d stays in their caches); the dots are cpu::parallel_sum's blocks
// and order, and every element and scalar step is the rule the ring ops run, so d, the alphas
// and the scratch slots get the values of lbfgs_two_loop_with_ring_ops, on any thread count.
#include <omp.h>

#include <algorithm>
#include <vector>

#include "engine/core/elementwise_rules.h"
#include "engine/core/error.h"
#include "engine/core/optimizer_scalars.h"
#include "engine/core/ring_values.h"
#include "engine/cpu/cpu_backend_impl.h"
#include "engine/cpu/cpu_conv_state.h"
#include "engine/cpu/cpu_parallel.h"
#include "engine/cpu/cpu_ring_rows.h"

namespace nsrg {

namespace {

// A history pair in use: its age and ring row, and where its s and y rows start.
struct PairRows {
  int age;
  std::ptrdiff_t index;
  const void* s;
  const void* y;
};

// What one pass does to d, in this order, and the dot that ends it.
struct PassPlan {
  bool negate_gradient = false;    // d = -g (pass 0)
  const void* axpy_row = nullptr;  // d += factor * row, factor from the previous dot
  bool scale = false;              // d *= Hdiag (the end of the first loop)
  const void* dot_row = nullptr;   // then row . d
};

// Pass p of the recursion over the pairs `pairs` (newest first, k of them): pass 0 negates g
// and takes s_0 . q; passes 1..k-1 add -al y of the pair before and take s . q of the next;
// pass k adds the last -al y, scales by Hdiag and takes y . r of the oldest pair; passes
// k+1..2k add (al - be) s and take y . r of the next newer pair, pass 2k without a dot.
PassPlan plan_of(int pass, const std::vector<PairRows>& pairs) {
  const int k = int(pairs.size());
  PassPlan plan;
  plan.negate_gradient = pass == 0;
  if (pass >= 1 && pass <= k) plan.axpy_row = pairs[size_t(pass - 1)].y;
  if (pass > k) plan.axpy_row = pairs[size_t(2 * k - pass)].s;
  plan.scale = pass == k;
  if (pass < k) plan.dot_row = pairs[size_t(pass)].s;
  if (pass >= k && pass < 2 * k) plan.dot_row = pairs[size_t(2 * k - 1 - pass)].y;
  return plan;
}

// One pass over the elements [begin, end) of one reduction block; returns its dot's block sum
// (0 without a dot).
template <bool Bf16>
double pass_block(const PassPlan& plan, float axpy_factor, float hdiag, const float* g, float* d,
                  std::ptrdiff_t begin, std::ptrdiff_t end) {
  if (plan.negate_gradient)
    for (std::ptrdiff_t i = begin; i < end; ++i) {
      d[i] = g[i];
      scale_element(-1.0f, d, size_t(i));
    }
  if (plan.axpy_row != nullptr)
    for (std::ptrdiff_t i = begin; i < end; ++i)
      ring_axpy_element(axpy_factor, plan.axpy_row, Bf16, d, size_t(i));
  if (plan.scale)
    for (std::ptrdiff_t i = begin; i < end; ++i) scale_element(hdiag, d, size_t(i));
  if (plan.dot_row == nullptr) return 0.0;
  const void* row = plan.dot_row;
  return cpu::block_sum(begin, end,
                        [=](std::ptrdiff_t i) { return ring_dot_term(row, Bf16, d, size_t(i)); });
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
  std::vector<double> partial(size_t(blocks), 0.0);
  const float* g = float_values(grad);
  conv_->forget_weights(d.data());  // as copy() does before writing d
  float* out = float_output(d);
  float axpy_factor = 0.0f;  // written by one thread between passes
#pragma omp parallel num_threads(threads_) if (blocks >= 2)
  {
    const std::ptrdiff_t team = omp_get_num_threads(), me = omp_get_thread_num();
    const std::ptrdiff_t first = blocks * me / team, last = blocks * (me + 1) / team;
    for (int pass = 0; pass <= 2 * k; ++pass) {
      const PassPlan plan = plan_of(pass, pairs);
      for (std::ptrdiff_t b = first; b < last; ++b) {
        const std::ptrdiff_t begin = b * cpu::kReductionBlock;
        const std::ptrdiff_t end = std::min(begin + cpu::kReductionBlock, std::ptrdiff_t(n));
        partial[size_t(b)] =
            bf16 ? pass_block<true>(plan, axpy_factor, hdiag_value, g, out, begin, end)
                 : pass_block<false>(plan, axpy_factor, hdiag_value, g, out, begin, end);
      }
#pragma omp barrier
#pragma omp single
      if (plan.dot_row != nullptr) {
        double sum = 0.0;
        for (double value : partial) sum += value;
        if (pass < k) {  // al = ro (s . q); the next pass adds -al y
          const PairRows& pair = pairs[size_t(pass)];
          alpha_values[pair.age] = float(scaled_ring_dot(sum, ro, int64_t(pair.index)));
          axpy_factor = coefficient_value(-1.0f, alpha_values + pair.age);
        } else {  // be = ro (y . r); the next pass adds (al - be) s
          const PairRows& pair = pairs[size_t(2 * k - 1 - pass)];
          *beta_value = float(scaled_ring_dot(sum, ro, int64_t(pair.index)));
          *temp_value =
              apply_scalar_op(ScalarOp::Subtract, coefficient_value(1.0f, alpha_values + pair.age),
                              coefficient_value(1.0f, beta_value));
          axpy_factor = coefficient_value(1.0f, temp_value);
        }
      }
      // (the single's closing barrier publishes axpy_factor before the next pass)
    }
  }
}

}  // namespace nsrg
