// Output shapes and FLOP counts of convolution and pooling layers.
#include "engine/core/geometry.h"

#include "engine/core/error.h"

namespace nsrg {

namespace {
int pooled_size(int in, int kernel, int stride, int pad, bool ceil_mode) {
  const int span = in + 2 * pad - kernel;
  NSRG_CHECK(span >= 0, "pooling window ", kernel, " larger than padded input ", in + 2 * pad);
  int out = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
  if (ceil_mode && (out - 1) * stride >= in + pad) --out;
  return out;
}
}  // namespace

Shape ConvGeometry::output_shape(const Shape& input) const {
  NSRG_CHECK(input.c == in_channels, "conv expects ", in_channels, " channels, got ", input.str());
  const int out_h = (input.h + 2 * pad_h - kernel_h) / stride_h + 1;
  const int out_w = (input.w + 2 * pad_w - kernel_w) / stride_w + 1;
  NSRG_CHECK(out_h > 0 && out_w > 0, "conv input ", input.str(), " too small for kernel");
  return {input.n, out_channels, out_h, out_w};
}

double ConvGeometry::flops(const Shape& input) const {
  const Shape out = output_shape(input);
  return 2.0 * double(out.numel()) * double(in_channels) * kernel_h * kernel_w;
}

Shape PoolGeometry::output_shape(const Shape& input) const {
  return {input.n, input.c, pooled_size(input.h, kernel_h, stride_h, pad_h, ceil_mode),
          pooled_size(input.w, kernel_w, stride_w, pad_w, ceil_mode)};
}

}  // namespace nsrg
