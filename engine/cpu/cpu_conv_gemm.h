// Convolutions with few input channels (the network's first layer) as im2col + SGEMM on
// plain NCHW data. oneDNN pads such channels to a 16-wide block and reorders 64-channel
// activations at its edges, which makes the first layer several times slower than this.
#pragma once

#include <vector>

#include "engine/core/geometry.h"

namespace nsrg::cpu {

// True when `geometry` takes the im2col path (fewer than 8 input channels).
bool use_gemm_conv(const ConvGeometry& geometry);

// The floats of im2col scratch a call at `input` needs: the unfolded input and, for the
// forward pass, a row of ones for the bias.
size_t gemm_conv_column_floats(const ConvGeometry& geometry, const Shape& input);

// y = conv(x) + bias for batch-1 NCHW tensors; `columns` is scratch space.
void gemm_conv_forward(const ConvGeometry& geometry, const Shape& input, const float* x,
                       const float* weight, const float* bias, float* y,
                       std::vector<float>& columns, int threads);

// dx (overwritten, NCHW) = gradient of the convolution with respect to its input, for dy
// in NCHW or, with `dy_channels_last`, in float32 NHWC (the column matrix then multiplies
// dy transposed; no conversion of dy).
void gemm_conv_backward_data(const ConvGeometry& geometry, const Shape& input, const float* dy,
                             bool dy_channels_last, const float* weight, float* dx,
                             std::vector<float>& columns, int threads);

}  // namespace nsrg::cpu
