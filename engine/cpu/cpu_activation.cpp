// CPU ReLU forward and backward (OpenMP element loops; in place allowed).
#include "engine/core/error.h"
#include "engine/cpu/cpu_backend_impl.h"
#include "engine/cpu/cpu_parallel.h"

namespace nsrg {

void CpuBackend::relu_forward(const Tensor& x, Tensor& y) {
  NSRG_CHECK(x.numel() == y.numel(), "relu_forward ", x.shape().str(), " -> ", y.shape().str());
  const float* in = x.data();
  float* out = y.data();
  cpu::parallel_for(threads_, ptrdiff_t(x.numel()),
                    [=](ptrdiff_t i) { out[i] = in[i] > 0.0f ? in[i] : 0.0f; });
}

void CpuBackend::relu_backward(const Tensor& y, const Tensor& dy, Tensor& dx) {
  NSRG_CHECK(y.numel() == dy.numel() && dy.numel() == dx.numel(), "relu_backward y ",
             y.shape().str(), " dy ", dy.shape().str(), " dx ", dx.shape().str());
  const float* out = y.data();
  const float* grad_out = dy.data();
  float* grad_in = dx.data();
  cpu::parallel_for(threads_, ptrdiff_t(y.numel()), [=](ptrdiff_t i) {
    const float gradient = grad_out[i];            // read unconditionally: a select,
    grad_in[i] = out[i] > 0.0f ? gradient : 0.0f;  // not a branch
  });
}

}  // namespace nsrg
