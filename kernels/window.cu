// copy_window's kernel (see window.cuh): a grid-stride loop over the window's elements, each
// copied or added by the rule the CPU backend runs (engine/core/window_rules.h).
#include "kernels/launch_config.cuh"
#include "kernels/window.cuh"

namespace nsrg::kernels {
namespace {

__global__ void copy_window_kernel(const float* src, float* dst, WindowCopy copy, size_t count) {
  for (size_t i = first_index(); i < count; i += grid_stride())
    copy_window_element(src, dst, copy, i);
}

}  // namespace

void launch_copy_window(const float* src, float* dst, const WindowCopy& copy, int channels,
                        cudaStream_t stream) {
  const size_t count = copy.from.area() * size_t(channels);
  launch_grid_stride(copy_window_kernel, count, stream, src, dst, copy, count);
}

}  // namespace nsrg::kernels
