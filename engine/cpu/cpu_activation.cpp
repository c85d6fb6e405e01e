// CPU ReLU forward and backward (OpenMP element loops over engine/core/elementwise_rules.h's
// rules, which the CUDA kernels run too; in place allowed). A bf16 NHWC input (precision
// "bf16") gives a bf16 NHWC output without leaving that layout.
#include "engine/core/elementwise_rules.h"
#include "engine/core/error.h"
#include "engine/cpu/cpu_backend_impl.h"
#include "engine/cpu/cpu_parallel.h"

namespace nsrg {

void CpuBackend::relu_forward(const Tensor& x, Tensor& y) {
  NSRG_CHECK(x.numel() == y.numel(), "relu_forward ", x.shape().str(), " -> ", y.shape().str());
  if (holds_bf16(x)) {
    const Shape shape = layouts_.find(x.data())->shape;
    cpu::bf16_relu(x.numel(), reinterpret_cast<const uint16_t*>(x.data()),
                   reinterpret_cast<uint16_t*>(y.data()), threads_);
    layouts_.mark(y.data(), shape, cpu::PrivateLayout::Bf16Nhwc);
    return;
  }
  const float* in = x.data();
  float* out = float_output(y);
  cpu::parallel_for(threads_, ptrdiff_t(x.numel()),
                    [=](ptrdiff_t i) { relu_forward_element(in, out, size_t(i)); });
}

void CpuBackend::relu_backward(const Tensor& y, const Tensor& dy, Tensor& dx) {
  NSRG_CHECK(y.numel() == dy.numel() && dy.numel() == dx.numel(), "relu_backward y ",
             y.shape().str(), " dy ", dy.shape().str(), " dx ", dx.shape().str());
  if (holds_nhwc(dy)) {
    // A float32 NHWC gradient from a bf16 backward-data convolution stays in that layout.
    const Shape shape = layouts_.find(dy.data())->shape;
    NSRG_CHECK(shape.numel() == y.numel(), "relu_backward dy ", dy.shape().str(), " holds NHWC ",
               shape.str());
    if (holds_bf16(y))
      cpu::bf16_relu_backward(y.numel(), reinterpret_cast<const uint16_t*>(y.data()), dy.data(),
                              dx.data(), threads_);
    else
      cpu::nhwc_relu_backward(shape, y.data(), dy.data(), dx.data(), threads_);
    layouts_.mark(dx.data(), shape, cpu::PrivateLayout::F32Nhwc);
    return;
  }
  if (holds_bf16(y)) {
    const Shape shape = layouts_.find(y.data())->shape;
    NSRG_CHECK(shape.numel() == y.numel(), "relu_backward y ", y.shape().str(), " holds bf16 ",
               shape.str());
    cpu::bf16_nhwc_relu_backward(shape, reinterpret_cast<const uint16_t*>(y.data()),
                                 float_values(dy), float_output(dx), threads_);
    return;
  }
  const float* out = y.data();
  const float* grad_out = float_values(dy);
  float* grad_in = float_output(dx);
  cpu::parallel_for(threads_, ptrdiff_t(y.numel()),
                    [=](ptrdiff_t i) { relu_backward_element(out, grad_out, grad_in, size_t(i)); });
}

}  // namespace nsrg
