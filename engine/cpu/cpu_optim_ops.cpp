// CpuBackend: the optimizer ops of Backend beyond dot/axpy/scale: scalar arithmetic and
// select on scalar slots, the elementwise Adam helpers, and the ring-buffer row ops of the
// L-BFGS history (rows chosen by a counter held in a scalar slot). Each scalar and element
// step is a host/device rule of engine/core (optimizer_scalars.h, elementwise_rules.h,
// ring_values.h) that the CUDA kernels run too.
#include "engine/core/elementwise_rules.h"
#include "engine/core/error.h"
#include "engine/core/ring_values.h"
#include "engine/core/shape_checks.h"
#include "engine/cpu/cpu_backend_impl.h"
#include "engine/cpu/cpu_parallel.h"
#include "engine/cpu/cpu_ring_rows.h"

namespace nsrg {

void CpuBackend::scalar_op(ScalarOp op, Coef a, Coef b, ScalarSlot out) {
  store_scalar(out, apply_scalar_op(op, coef_value(a), coef_value(b)));
}

void CpuBackend::scalar_select(Coef condition, Coef if_nonzero, Coef if_zero, ScalarSlot out) {
  store_scalar(out,
               select_scalar(coef_value(condition), coef_value(if_nonzero), coef_value(if_zero)));
}

void CpuBackend::add_product(Coef alpha, const Tensor& a, const Tensor& b, Tensor& y) {
  check_same_numel(a, y, "add_product");
  check_same_numel(b, y, "add_product");
  const float factor = coef_value(alpha);
  const float* pa = float_values(a);
  const float* pb = float_values(b);
  float* py = float_inout(y);
  cpu::parallel_for(threads_, std::ptrdiff_t(y.numel()),
                    [&](std::ptrdiff_t i) { add_product_element(factor, pa, pb, py, size_t(i)); });
}

void CpuBackend::add_quotient(Coef alpha, const Tensor& a, const Tensor& b, Tensor& y) {
  check_same_numel(a, y, "add_quotient");
  check_same_numel(b, y, "add_quotient");
  const float factor = coef_value(alpha);
  const float* pa = float_values(a);
  const float* pb = float_values(b);
  float* py = float_inout(y);
  cpu::parallel_for(threads_, std::ptrdiff_t(y.numel()),
                    [&](std::ptrdiff_t i) { add_quotient_element(factor, pa, pb, py, size_t(i)); });
}

void CpuBackend::sqrt_plus(const Tensor& x, float addend, Tensor& y) {
  check_same_numel(x, y, "sqrt_plus");
  const float* px = float_values(x);
  float* py = float_output(y);
  cpu::parallel_for(threads_, std::ptrdiff_t(y.numel()),
                    [&](std::ptrdiff_t i) { sqrt_plus_element(px, addend, py, size_t(i)); });
}

void CpuBackend::ring_store(const Tensor& x, Tensor& ring, RingRow row) {
  NSRG_CHECK(!x.empty() && !ring.empty(), "ring_store: empty tensor");
  const std::ptrdiff_t index = cpu::resolve_row(ring, row);
  if (index < 0) return;
  void* out = cpu::row_start(ring, index, x.numel(), row.bf16);
  const float* in = float_values(x);
  const bool bf16 = row.bf16;
  cpu::parallel_for(threads_, std::ptrdiff_t(x.numel()),
                    [&](std::ptrdiff_t i) { store_ring_value(out, size_t(i), in[i], bf16); });
}

void CpuBackend::ring_dot(const Tensor& ring, RingRow row, const Tensor& x,
                          const Tensor* row_scales, ScalarSlot out) {
  NSRG_CHECK(!x.empty() && !ring.empty(), "ring_dot: empty tensor");
  if (row_scales != nullptr)
    NSRG_CHECK(row_scales->numel() == size_t(ring.shape().n), "ring_dot: row scales ",
               row_scales->shape().str(), " for ring ", ring.shape().str());
  const std::ptrdiff_t index = cpu::resolve_row(ring, row);
  if (index < 0) return;
  const void* a = cpu::row_start(ring, index, x.numel(), row.bf16);
  const float* b = float_values(x);
  const bool bf16 = row.bf16;
  const double sum = cpu::parallel_sum(threads_, std::ptrdiff_t(x.numel()), [&](std::ptrdiff_t i) {
    return ring_dot_term(a, bf16, b, size_t(i));
  });
  store_scalar(out,
               scaled_ring_dot(sum, row_scales != nullptr ? float_values(*row_scales) : nullptr,
                               int64_t(index)));
}

void CpuBackend::ring_axpy(Coef alpha, const Tensor& ring, RingRow row, Tensor& y) {
  NSRG_CHECK(!y.empty() && !ring.empty(), "ring_axpy: empty tensor");
  const std::ptrdiff_t index = cpu::resolve_row(ring, row);
  if (index < 0) return;
  const float factor = coef_value(alpha);
  const void* in = cpu::row_start(ring, index, y.numel(), row.bf16);
  float* out = float_inout(y);
  const bool bf16 = row.bf16;
  cpu::parallel_for(threads_, std::ptrdiff_t(y.numel()),
                    [&](std::ptrdiff_t i) { ring_axpy_element(factor, in, bf16, out, size_t(i)); });
}

}  // namespace nsrg
