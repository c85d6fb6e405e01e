// CpuBackend::copy_window: a window of every channel copied or added into another tensor,
// element by element by engine/core/window_rules.h (the rule kernels/window.cu runs too).
#include "engine/core/shape_checks.h"
#include "engine/core/window_rules.h"
#include "engine/cpu/cpu_backend_impl.h"
#include "engine/cpu/cpu_parallel.h"

namespace nsrg {

void CpuBackend::copy_window(const Tensor& src, const Window& from, Tensor& dst, int to_y, int to_x,
                             bool accumulate) {
  const WindowCopy copy = check_window_copy(src, from, dst, to_y, to_x, accumulate);
  const float* in = float_values(src);
  // A plain copy over the whole destination writes all of it as float32; otherwise the rest
  // of dst keeps its values, which must then be float32 NCHW too.
  const bool covers = !accumulate && size_t(from.area()) * size_t(src.shape().c) == dst.numel();
  float* out = covers ? float_output(dst) : float_inout(dst);
  const ptrdiff_t count = ptrdiff_t(from.area() * size_t(src.shape().c));
  cpu::parallel_for(threads_, count,
                    [=](ptrdiff_t i) { copy_window_element(in, out, copy, size_t(i)); });
}

}  // namespace nsrg
