// CudaBackend optimizer ops beyond dot/axpy/scale: scalar arithmetic and select on device
// scalars, Adam's element-wise helpers, and the L-BFGS history's ring-buffer rows (the row
// is resolved on the device from the counter scalar, so no host read is needed).
#include "engine/core/error.h"
#include "engine/core/shape_checks.h"
#include "engine/cuda/cuda_backend_impl.h"
#include "engine/cuda/cuda_check.h"
#include "kernels/optimizer.cuh"

namespace nsrg {

namespace {

// The device form of a RingRow over `ring`, whose rows hold row_numel floats each.
kernels::DeviceRingRow device_row(const Tensor& ring, const RingRow& row, size_t row_numel) {
  NSRG_CHECK(row.counter != nullptr && !row.counter->empty(), "ring row without a counter");
  NSRG_CHECK(row.slot >= 0 && size_t(row.slot) < row.counter->numel(), "ring counter slot ",
             row.slot, " of ", row.counter->shape().str());
  const size_t row_floats = row.bf16 ? (row_numel + 1) / 2 : row_numel;
  NSRG_CHECK(size_t(ring.shape().n) * row_floats == ring.numel(), "ring ", ring.shape().str(),
             " has no rows of ", row_numel, row.bf16 ? " bf16 values" : " floats");
  kernels::DeviceRingRow result;
  result.counter = row.counter->data() + row.slot;
  result.offset = row.offset;
  result.rows = ring.shape().n;
  result.row_floats = row_floats;
  result.bf16 = row.bf16;
  return result;
}

}  // namespace

void CudaBackend::scalar_op(ScalarOp op, Coef a, Coef b, ScalarSlot out) {
  kernels::launch_scalar_op(op, device_coef(a), device_coef(b), slot_pointer(out), stream());
}

void CudaBackend::scalar_select(Coef condition, Coef if_nonzero, Coef if_zero, ScalarSlot out) {
  kernels::launch_scalar_select(device_coef(condition), device_coef(if_nonzero),
                                device_coef(if_zero), slot_pointer(out), stream());
}

void CudaBackend::add_product(Coef alpha, const Tensor& a, const Tensor& b, Tensor& y) {
  (void)float_values(a);
  (void)float_values(b);
  (void)float_values(y);
  check_same_numel(a, y, "add_product");
  check_same_numel(b, y, "add_product");
  NSRG_CHECK(alpha.array == nullptr || alpha.array->data() != y.data(),
             "add_product: the coefficient lives in the tensor being updated");
  kernels::launch_add_product(device_coef(alpha), a.data(), b.data(), y.data(), y.numel(),
                              stream());
}

void CudaBackend::add_quotient(Coef alpha, const Tensor& a, const Tensor& b, Tensor& y) {
  (void)float_values(a);
  (void)float_values(b);
  (void)float_values(y);
  check_same_numel(a, y, "add_quotient");
  check_same_numel(b, y, "add_quotient");
  NSRG_CHECK(alpha.array == nullptr || alpha.array->data() != y.data(),
             "add_quotient: the coefficient lives in the tensor being updated");
  kernels::launch_add_quotient(device_coef(alpha), a.data(), b.data(), y.data(), y.numel(),
                               stream());
}

void CudaBackend::sqrt_plus(const Tensor& x, float addend, Tensor& y) {
  (void)float_values(x);
  (void)float_output(y);
  check_same_numel(x, y, "sqrt_plus");
  kernels::launch_sqrt_plus(x.data(), addend, y.data(), y.numel(), stream());
}

void CudaBackend::ring_store(const Tensor& x, Tensor& ring, RingRow row) {
  (void)float_values(x);
  (void)float_values(ring);
  NSRG_CHECK(!x.empty() && !ring.empty(), "ring_store: empty tensor");
  NSRG_CHECK(row.counter == nullptr || row.counter->data() != ring.data(),
             "ring_store: the counter lives in the ring");
  kernels::launch_ring_store(x.data(), ring.data(), x.numel(), device_row(ring, row, x.numel()),
                             stream());
}

void CudaBackend::ring_dot(const Tensor& ring, RingRow row, const Tensor& x,
                           const Tensor* row_scales, ScalarSlot out) {
  (void)float_values(ring);
  (void)float_values(x);
  NSRG_CHECK(!x.empty() && !ring.empty(), "ring_dot: empty tensor");
  if (row_scales != nullptr) {
    NSRG_CHECK(row_scales->numel() == size_t(ring.shape().n), "ring_dot: row scales ",
               row_scales->shape().str(), " for ring ", ring.shape().str());
  }
  kernels::launch_ring_dot(ring.data(), x.numel(), device_row(ring, row, x.numel()), x.data(),
                           row_scales != nullptr ? row_scales->data() : nullptr, reduce_scratch(),
                           slot_pointer(out), stream());
}

void CudaBackend::ring_axpy(Coef alpha, const Tensor& ring, RingRow row, Tensor& y) {
  (void)float_values(ring);
  (void)float_values(y);
  NSRG_CHECK(!y.empty() && !ring.empty(), "ring_axpy: empty tensor");
  NSRG_CHECK(alpha.array == nullptr || alpha.array->data() != y.data(),
             "ring_axpy: the coefficient lives in the tensor being updated");
  NSRG_CHECK(row.counter == nullptr || row.counter->data() != y.data(),
             "ring_axpy: the counter lives in the tensor being updated");
  kernels::launch_ring_axpy(device_coef(alpha), ring.data(), y.numel(),
                            device_row(ring, row, y.numel()), y.data(), stream());
}

}  // namespace nsrg
