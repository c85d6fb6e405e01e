// CPU vector and scalar ops used by the optimizers: dot, asum, axpy, scale, sum_scalars.
// Reductions accumulate in double, in blocks, independent of the thread count. The terms and
// element steps are engine/core's host/device rules (reduction_terms.h,
// elementwise_rules.h), which the CUDA kernels run too.
#include "engine/core/elementwise_rules.h"
#include "engine/core/error.h"
#include "engine/core/reduction_terms.h"
#include "engine/cpu/cpu_backend_impl.h"
#include "engine/cpu/cpu_parallel.h"

namespace nsrg {

void CpuBackend::dot(const Tensor& a, const Tensor& b, ScalarSlot out) {
  NSRG_CHECK(a.numel() == b.numel(), "dot ", a.shape().str(), " . ", b.shape().str());
  const float* x = float_values(a);
  const float* y = float_values(b);
  store_scalar(out, cpu::parallel_sum(threads_, ptrdiff_t(a.numel()),
                                      [=](ptrdiff_t i) { return dot_term(x, y, size_t(i)); }));
}

void CpuBackend::asum(const Tensor& a, ScalarSlot out) {
  const float* x = float_values(a);
  store_scalar(out, cpu::parallel_sum(threads_, ptrdiff_t(a.numel()),
                                      [=](ptrdiff_t i) { return abs_term(x, size_t(i)); }));
}

void CpuBackend::axpy(Coef alpha, const Tensor& x, Tensor& y) {
  NSRG_CHECK(x.numel() == y.numel(), "axpy ", x.shape().str(), " into ", y.shape().str());
  const float a = coef_value(alpha);
  const float* in = float_values(x);
  float* out = float_inout(y);
  cpu::parallel_for(threads_, ptrdiff_t(x.numel()),
                    [=](ptrdiff_t i) { axpy_element(a, in, out, size_t(i)); });
}

void CpuBackend::scale(Coef alpha, Tensor& x) {
  const float a = coef_value(alpha);
  float* data = float_inout(x);
  cpu::parallel_for(threads_, ptrdiff_t(x.numel()),
                    [=](ptrdiff_t i) { scale_element(a, data, size_t(i)); });
}

void CpuBackend::sum_scalars(const Tensor& scalars, int first, int count, ScalarSlot out) {
  NSRG_CHECK(first >= 0 && count >= 0 && size_t(first) + size_t(count) <= scalars.numel(),
             "sum_scalars [", first, ", ", first + count, ") of ", scalars.shape().str());
  const float* values = float_values(scalars);
  double total = 0.0;
  for (int i = first; i < first + count; ++i) total += value_term(values, size_t(i));
  store_scalar(out, total);
}

}  // namespace nsrg
