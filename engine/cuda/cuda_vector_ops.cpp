// CudaBackend vector ops of the optimizers: dot, asum, axpy, scale, sum_scalars. Reductions
// are deterministic and write device scalars; coefficients are read on the device.
#include "engine/core/error.h"
#include "engine/cuda/cuda_backend_impl.h"
#include "engine/cuda/cuda_check.h"
#include "kernels/elementwise.cuh"
#include "kernels/reduction.cuh"

namespace nsrg {

void CudaBackend::dot(const Tensor& a, const Tensor& b, ScalarSlot out) {
  (void)float_values(a);
  (void)float_values(b);
  NSRG_CHECK(a.numel() == b.numel(), "dot ", a.shape().str(), " . ", b.shape().str());
  kernels::launch_dot(a.data(), b.data(), a.numel(), reduce_scratch(), slot_pointer(out), stream());
}

void CudaBackend::asum(const Tensor& a, ScalarSlot out) {
  (void)float_values(a);
  kernels::launch_asum(a.data(), a.numel(), reduce_scratch(), slot_pointer(out), stream());
}

void CudaBackend::axpy(Coef alpha, const Tensor& x, Tensor& y) {
  (void)float_values(x);
  (void)float_values(y);
  NSRG_CHECK(x.numel() == y.numel(), "axpy ", x.shape().str(), " into ", y.shape().str());
  NSRG_CHECK(alpha.array == nullptr || alpha.array->data() != y.data(),
             "axpy: the coefficient lives in the tensor being updated");
  kernels::launch_axpy(device_coef(alpha), x.data(), y.data(), x.numel(), stream());
}

void CudaBackend::scale(Coef alpha, Tensor& x) {
  (void)float_values(x);
  NSRG_CHECK(alpha.array == nullptr || alpha.array->data() != x.data(),
             "scale: the coefficient lives in the tensor being scaled");
  kernels::launch_scale(device_coef(alpha), x.data(), x.numel(), stream());
}

void CudaBackend::sum_scalars(const Tensor& scalars, int first, int count, ScalarSlot out) {
  NSRG_CHECK(first >= 0 && count >= 0 && size_t(first) + size_t(count) <= scalars.numel(),
             "sum_scalars [", first, ", ", first + count, ") of ", scalars.shape().str());
  kernels::launch_sum(scalars.data() + first, size_t(count), reduce_scratch(), slot_pointer(out),
                      stream());
}

}  // namespace nsrg
