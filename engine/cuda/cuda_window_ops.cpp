// CudaBackend::copy_window: one kernel (kernels/window.cu) over the window's elements.
#include "engine/core/shape_checks.h"
#include "engine/cuda/cuda_backend_impl.h"
#include "kernels/window.cuh"

namespace nsrg {

void CudaBackend::copy_window(const Tensor& src, const Window& from, Tensor& dst, int to_y,
                              int to_x, bool accumulate) {
  (void)float_values(src);
  (void)float_values(dst);
  const WindowCopy copy = check_window_copy(src, from, dst, to_y, to_x, accumulate);
  kernels::launch_copy_window(src.data(), dst.data(), copy, src.shape().c, stream());
}

}  // namespace nsrg
