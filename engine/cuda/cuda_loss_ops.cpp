// CudaBackend losses: mean squared error, weighted (optionally L1-normalized) gradient
// accumulation and total variation; loss values land in device scalars.
#include "engine/core/error.h"
#include "engine/cuda/cuda_backend_impl.h"
#include "engine/cuda/cuda_check.h"
#include "kernels/loss.cuh"

namespace nsrg {

void CudaBackend::mse_loss(const Tensor& x, const Tensor& target, float weight, ScalarSlot loss,
                           Tensor& grad) {
  (void)float_values(x);
  (void)float_values(target);
  (void)float_output(grad);
  NSRG_CHECK(x.numel() == target.numel() && x.numel() == grad.numel(), "mse_loss x ",
             x.shape().str(), " target ", target.shape().str(), " grad ", grad.shape().str());
  kernels::launch_mse_loss(x.data(), target.data(), x.numel(), weight, reduce_scratch(),
                           slot_pointer(loss), grad.data(), stream());
}

void CudaBackend::add_weighted_gradient(const Tensor& grad, float weight, bool normalize,
                                        Tensor& accumulate) {
  (void)float_values(grad);
  (void)float_values(accumulate);
  NSRG_CHECK(grad.numel() == accumulate.numel(), "add_weighted_gradient grad ", grad.shape().str(),
             " accumulate ", accumulate.shape().str());
  NSRG_CHECK(grad.data() != accumulate.data(), "add_weighted_gradient: accumulate aliases grad");
  kernels::launch_add_weighted_gradient(grad.data(), grad.numel(), weight, normalize,
                                        reduce_scratch(), scalar_scratch(), accumulate.data(),
                                        stream());
}

void CudaBackend::tv_loss(const Tensor& image, float weight, ScalarSlot loss, Tensor& grad) {
  (void)float_values(image);
  (void)float_values(grad);
  NSRG_CHECK(image.shape() == grad.shape(), "tv_loss image ", image.shape().str(), " grad ",
             grad.shape().str());
  NSRG_CHECK(image.data() != grad.data(), "tv_loss: grad aliases the image");
  const Shape& s = image.shape();
  kernels::launch_tv_loss(image.data(), s.n * s.c, s.h, s.w, weight, reduce_scratch(),
                          slot_pointer(loss), grad.data(), stream());
}

}  // namespace nsrg
