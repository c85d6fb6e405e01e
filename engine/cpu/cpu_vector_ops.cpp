// CPU vector and scalar ops used by the optimizers: dot, asum, axpy, scale, sum_scalars.
// Reductions accumulate in double, in blocks, independent of the thread count.
#include <cmath>

#include "engine/core/error.h"
#include "engine/cpu/cpu_backend_impl.h"
#include "engine/cpu/cpu_parallel.h"

namespace nsrg {

void CpuBackend::dot(const Tensor& a, const Tensor& b, ScalarSlot out) {
  NSRG_CHECK(a.numel() == b.numel(), "dot ", a.shape().str(), " . ", b.shape().str());
  const float* x = a.data();
  const float* y = b.data();
  store_scalar(out, cpu::parallel_sum(threads_, ptrdiff_t(a.numel()),
                                      [=](ptrdiff_t i) { return double(x[i]) * double(y[i]); }));
}

void CpuBackend::asum(const Tensor& a, ScalarSlot out) {
  const float* x = a.data();
  store_scalar(out, cpu::parallel_sum(threads_, ptrdiff_t(a.numel()),
                                      [=](ptrdiff_t i) { return double(std::fabs(x[i])); }));
}

void CpuBackend::axpy(Coef alpha, const Tensor& x, Tensor& y) {
  NSRG_CHECK(x.numel() == y.numel(), "axpy ", x.shape().str(), " into ", y.shape().str());
  const float a = coef_value(alpha);
  const float* in = x.data();
  float* out = y.data();
  cpu::parallel_for(threads_, ptrdiff_t(x.numel()), [=](ptrdiff_t i) { out[i] += a * in[i]; });
}

void CpuBackend::scale(Coef alpha, Tensor& x) {
  const float a = coef_value(alpha);
  float* data = x.data();
  cpu::parallel_for(threads_, ptrdiff_t(x.numel()), [=](ptrdiff_t i) { data[i] *= a; });
}

void CpuBackend::sum_scalars(const Tensor& scalars, int first, int count, ScalarSlot out) {
  NSRG_CHECK(first >= 0 && count >= 0 && size_t(first) + size_t(count) <= scalars.numel(),
             "sum_scalars [", first, ", ", first + count, ") of ", scalars.shape().str());
  const float* values = scalars.data();
  double total = 0.0;
  for (int i = first; i < first + count; ++i) total += values[i];
  store_scalar(out, total);
}

}  // namespace nsrg
