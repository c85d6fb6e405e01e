// CPU losses: mean squared error (content loss) with its gradient, the weighted (optionally
// L1-normalized) accumulation of a loss gradient, and total variation with its gradient.
// Sums accumulate in double.
#include <cmath>

#include "engine/core/error.h"
#include "engine/cpu/cpu_backend_impl.h"
#include "engine/cpu/cpu_parallel.h"

namespace nsrg {

void CpuBackend::mse_loss(const Tensor& x, const Tensor& target, float weight, ScalarSlot loss,
                          Tensor& grad) {
  NSRG_CHECK(x.numel() == target.numel() && x.numel() == grad.numel(), "mse_loss x ",
             x.shape().str(), " target ", target.shape().str(), " grad ", grad.shape().str());
  const ptrdiff_t n = ptrdiff_t(x.numel());
  const float* a = x.data();
  const float* b = target.data();
  float* g = grad.data();
  const float gradient_scale = 2.0f / float(n);
  const double squares = cpu::parallel_sum(threads_, n, [=](ptrdiff_t i) {
    const float difference = a[i] - b[i];
    g[i] = gradient_scale * difference;
    return double(difference) * double(difference);
  });
  store_scalar(loss, double(weight) * squares / double(n));
}

void CpuBackend::add_weighted_gradient(const Tensor& grad, float weight, bool normalize,
                                       Tensor& accumulate) {
  NSRG_CHECK(grad.numel() == accumulate.numel(), "add_weighted_gradient grad ", grad.shape().str(),
             " accumulate ", accumulate.shape().str());
  const ptrdiff_t n = ptrdiff_t(grad.numel());
  const float* g = grad.data();
  float* acc = accumulate.data();
  double factor = weight;
  if (normalize) {
    const double l1 =
        cpu::parallel_sum(threads_, n, [=](ptrdiff_t i) { return double(std::fabs(g[i])); });
    factor = double(weight) / (l1 + 1e-8);
  }
  const float f = float(factor);
  cpu::parallel_for(threads_, n, [=](ptrdiff_t i) { acc[i] += f * g[i]; });
}

void CpuBackend::tv_loss(const Tensor& image, float weight, ScalarSlot loss, Tensor& grad) {
  NSRG_CHECK(image.shape() == grad.shape(), "tv_loss image ", image.shape().str(), " grad ",
             grad.shape().str());
  const int height = image.shape().h, width = image.shape().w;
  const ptrdiff_t rows = ptrdiff_t(image.shape().n) * image.shape().c * height;
  const float* x = image.data();
  float* g = grad.data();
  // Each output row i of a plane gathers the gradient of every term that touches it:
  // its own (i<H-1, j<W-1) term, the term to its left (j-1) and the one above (i-1).
  const double energy = cpu::parallel_sum(threads_, rows, [=](ptrdiff_t row) {
    const int i = int(row % height);
    const float* r = x + row * width;
    float* gr = g + row * width;
    double row_energy = 0.0;
    for (int j = 0; j < width; ++j) {
      float gradient = 0.0f;
      if (i < height - 1 && j < width - 1) {
        const float right = r[j] - r[j + 1];
        const float down = r[j] - r[j + width];
        row_energy += double(right) * right + double(down) * down;
        gradient += right + down;
      }
      if (i < height - 1 && j >= 1) gradient -= r[j - 1] - r[j];
      if (i >= 1 && j < width - 1) gradient -= r[j - width] - r[j];
      gr[j] += weight * gradient;
    }
    return row_energy;
  });
  store_scalar(loss, 0.5 * double(weight) * energy);
}

}  // namespace nsrg
