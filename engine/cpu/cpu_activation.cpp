// CPU ReLU forward and backward (OpenMP element loops over engine/core/elementwise_rules.h's
// rules, which the CUDA kernels run too; in place allowed).
#include "engine/core/elementwise_rules.h"
#include "engine/core/error.h"
#include "engine/cpu/cpu_backend_impl.h"
#include "engine/cpu/cpu_parallel.h"

namespace nsrg {

void CpuBackend::relu_forward(const Tensor& x, Tensor& y) {
  NSRG_CHECK(x.numel() == y.numel(), "relu_forward ", x.shape().str(), " -> ", y.shape().str());
  const float* in = x.data();
  float* out = y.data();
  cpu::parallel_for(threads_, ptrdiff_t(x.numel()),
                    [=](ptrdiff_t i) { relu_forward_element(in, out, size_t(i)); });
}

void CpuBackend::relu_backward(const Tensor& y, const Tensor& dy, Tensor& dx) {
  NSRG_CHECK(y.numel() == dy.numel() && dy.numel() == dx.numel(), "relu_backward y ",
             y.shape().str(), " dy ", dy.shape().str(), " dx ", dx.shape().str());
  const float* out = y.data();
  const float* grad_out = dy.data();
  float* grad_in = dx.data();
  cpu::parallel_for(threads_, ptrdiff_t(y.numel()),
                    [=](ptrdiff_t i) { relu_backward_element(out, grad_out, grad_in, size_t(i)); });
}

}  // namespace nsrg
