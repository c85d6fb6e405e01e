// Convolution and pooling geometry: the parameters of one layer and the shapes it produces.
// Pooling follows Caffe (and Torch loadcaffe) semantics, see PoolGeometry.
#pragma once

#include "engine/core/enum_names.h"
#include "engine/core/tensor.h"

namespace nsrg {

struct ConvGeometry {
  int in_channels = 0, out_channels = 0;
  int kernel_h = 3, kernel_w = 3;
  int stride_h = 1, stride_w = 1;
  int pad_h = 1, pad_w = 1;

  Shape output_shape(const Shape& input) const;
  // Floating-point operations of the forward pass (2 per multiply-add); backward-data costs
  // the same.
  double flops(const Shape& input) const;
  Shape weight_shape() const { return {out_channels, in_channels, kernel_h, kernel_w}; }
  Shape bias_shape() const { return {1, out_channels, 1, 1}; }
};

enum class PoolKind { Max, Average };
// The names of network.pooling.
inline constexpr NamedValue<PoolKind> kPoolingNames[] = {{PoolKind::Max, "max"},
                                                         {PoolKind::Average, "avg"}};

// Output size: floor((in + 2 pad - kernel) / stride) + 1, or with ceil_mode the ceiling,
// where (as in Caffe) the last window must start inside the input or its left padding:
// if (out - 1) * stride >= in + pad, out is reduced by one.
// Max pooling ignores positions outside the input. Average pooling divides by the number of
// window positions inside [-pad, in + pad) (padding counts, the ceil overhang does not),
// as Caffe and Torch do.
struct PoolGeometry {
  PoolKind kind = PoolKind::Max;
  int kernel_h = 2, kernel_w = 2;
  int stride_h = 2, stride_w = 2;
  int pad_h = 0, pad_w = 0;
  bool ceil_mode = false;

  Shape output_shape(const Shape& input) const;
};

}  // namespace nsrg
