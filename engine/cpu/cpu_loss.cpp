// CPU losses: mean squared error (content loss) with its gradient, the weighted (optionally
// L1-normalized) accumulation of a loss gradient, and total variation with its gradient.
// Sums accumulate in double (cpu::parallel_sum's order); every element and total is
// engine/core/loss_rules.h's rule, which the CUDA kernels run too.
#include "engine/core/elementwise_rules.h"
#include "engine/core/error.h"
#include "engine/core/loss_rules.h"
#include "engine/core/reduction_terms.h"
#include "engine/cpu/cpu_backend_impl.h"
#include "engine/cpu/cpu_parallel.h"

namespace nsrg {

void CpuBackend::mse_loss(const Tensor& x, const Tensor& target, float weight, ScalarSlot loss,
                          Tensor& grad) {
  NSRG_CHECK(x.numel() == target.numel() && x.numel() == grad.numel(), "mse_loss x ",
             x.shape().str(), " target ", target.shape().str(), " grad ", grad.shape().str());
  const size_t n = x.numel();
  const float* a = float_values(x);
  const float* b = float_values(target);
  float* g = float_output(grad);
  const float gradient_scale = mse_gradient_scale(n);
  const double squares = cpu::parallel_sum(threads_, ptrdiff_t(n), [=](ptrdiff_t i) {
    return mse_element(a, b, gradient_scale, g, size_t(i));
  });
  store_scalar(loss, mse_loss_value(weight, squares, n));
}

// With precision "bf16" a gradient may be float32 NHWC (cpu_bf16_layout.h): a Gram's
// backward writes one, and the backward pass of the network carries one. Adding such a
// gradient keeps the accumulator in that layout (a float32 NCHW accumulator, at the deepest
// loss layer, is turned into NHWC first); a float32 NCHW gradient turns the accumulator into
// NCHW as before. The L1 norm sums the gradient in its storage order.
void CpuBackend::add_weighted_gradient(const Tensor& grad, float weight, bool normalize,
                                       Tensor& accumulate) {
  NSRG_CHECK(grad.numel() == accumulate.numel(), "add_weighted_gradient grad ", grad.shape().str(),
             " accumulate ", accumulate.shape().str());
  const ptrdiff_t n = ptrdiff_t(grad.numel());
  const bool nhwc = holds_nhwc(grad);
  if (nhwc) to_f32_nhwc(accumulate);
  const float* g = nhwc ? grad.data() : float_values(grad);
  float* acc = nhwc ? accumulate.data() : float_inout(accumulate);
  double l1 = 0.0;
  if (normalize)
    l1 = cpu::parallel_sum(threads_, n, [=](ptrdiff_t i) { return abs_term(g, size_t(i)); });
  const float factor = weighted_gradient_factor(weight, normalize ? &l1 : nullptr);
  cpu::parallel_for(threads_, n, [=](ptrdiff_t i) { axpy_element(factor, g, acc, size_t(i)); });
}

void CpuBackend::tv_loss(const Tensor& image, float weight, ScalarSlot loss, Tensor& grad) {
  NSRG_CHECK(image.shape() == grad.shape(), "tv_loss image ", image.shape().str(), " grad ",
             grad.shape().str());
  const int height = image.shape().h, width = image.shape().w;
  const ptrdiff_t rows = ptrdiff_t(image.shape().n) * image.shape().c * height;
  const float* x = float_values(image);
  float* g = float_inout(grad);
  // One task a row of a plane; each element gathers the gradient of every term that touches
  // it (tv_element).
  const double energy = cpu::parallel_sum(threads_, rows, [=](ptrdiff_t row) {
    const int i = int(row % height);
    const float* r = x + row * width;
    float* gr = g + row * width;
    double row_energy = 0.0;
    for (int j = 0; j < width; ++j)
      row_energy += tv_element(r + j, i, j, height, width, weight, gr + j);
    return row_energy;
  });
  store_scalar(loss, tv_loss_value(weight, energy));
}

}  // namespace nsrg
