// CudaBackend network layers in bf16 (precisions "mixed" and "bf16"): cuDNN bf16
// convolutions on tensor cores with the weights' bf16 copies, and with "bf16" the
// activations kept as bf16 NHWC between layers (ReLU, pooling, ReLU backward and max
// pooling's backward read the layout where it lies; average pooling's backward does not
// read the activation). Where a float32 NCHW tensor meets the layout, one conversion kernel
// runs: a float32 input of a bf16 forward convolution is rounded into scratch; a
// backward-data convolution's gradient is rounded into scratch and its bf16 result widened
// into dx (the legacy cuDNN API takes one data type for all of a convolution's tensors, and
// the gradients the losses add to are float32).
#include "engine/core/error.h"
#include "engine/cuda/cuda_backend_impl.h"
#include "engine/cuda/cuda_check.h"
#include "kernels/bf16_layout.cuh"

namespace nsrg {

namespace {

size_t plane_of(const Shape& shape) {
  return size_t(shape.h) * size_t(shape.w);
}

void check_batch_one(const Shape& shape, const char* op) {
  NSRG_CHECK(shape.n == 1, op, " in bf16 expects batch 1, got ", shape.str());
}

}  // namespace

bool CudaBackend::bf16_forward(const ConvGeometry& geometry) const {
  return precision_ == Precision::Bf16 && geometry.in_channels >= kBf16MinChannels;
}

bool CudaBackend::bf16_backward(const ConvGeometry& geometry) const {
  return (precision_ == Precision::Mixed || precision_ == Precision::Bf16) &&
         geometry.in_channels >= kBf16MinChannels;
}

void CudaBackend::conv_forward_bf16(const ConvGeometry& geometry, const Tensor& x,
                                    const Tensor& weight, const Tensor& bias, Tensor& y) {
  const Shape& input = x.shape();
  check_batch_one(input, "conv_forward");
  NSRG_CHECK(y.shape() == geometry.output_shape(input), "conv output ", y.shape().str(),
             " expected ", geometry.output_shape(input).str());
  NSRG_CHECK(weight.shape() == geometry.weight_shape(), "conv weight ", weight.shape().str(),
             " expected ", geometry.weight_shape().str());
  DeviceBuffer staged;
  const uint16_t* in = bf16_view(x);
  if (const Shape* written = bf16_layouts_.find(x.data())) {
    NSRG_CHECK(*written == input, "conv_forward: bf16 input written as ", written->str(),
               ", read as ", input.str());
  } else {
    staged = DeviceBuffer(*pool_, x.numel() * sizeof(uint16_t));
    kernels::launch_nchw_to_bf16_nhwc(x.data(), staged.as<uint16_t>(), size_t(input.c),
                                      plane_of(input), stream());
    in = staged.as<uint16_t>();
  }
  const uint16_t* weights = convolutions_->bf16_weights(weight);
  const float* bias_values = float_values(bias);
  convolutions_->forward_bf16(geometry, input, in, weights, bf16_view(y));
  const Shape& out = y.shape();
  kernels::launch_bf16_nhwc_bias_add(bf16_view(y), bias_values, size_t(out.c), plane_of(out),
                                     stream());
  bf16_layouts_.mark(y.data(), out);
}

void CudaBackend::conv_backward_data_bf16(const ConvGeometry& geometry, const Tensor& dy,
                                          const Tensor& weight, Tensor& dx) {
  const Shape& input = dx.shape();
  const Shape output = geometry.output_shape(input);
  check_batch_one(input, "conv_backward_data");
  NSRG_CHECK(dy.shape() == output, "conv output gradient ", dy.shape().str(), " expected ",
             output.str());
  NSRG_CHECK(weight.shape() == geometry.weight_shape(), "conv weight ", weight.shape().str(),
             " expected ", geometry.weight_shape().str());
  DeviceBuffer gradient(*pool_, dy.numel() * sizeof(uint16_t));
  kernels::launch_nchw_to_bf16_nhwc(float_values(dy), gradient.as<uint16_t>(), size_t(output.c),
                                    plane_of(output), stream());
  const uint16_t* weights = convolutions_->bf16_weights(weight);
  DeviceBuffer result(*pool_, dx.numel() * sizeof(uint16_t));
  convolutions_->backward_data_bf16(geometry, input, gradient.as<uint16_t>(), weights,
                                    result.as<uint16_t>());
  kernels::launch_bf16_nhwc_to_nchw(result.as<uint16_t>(), float_output(dx), size_t(input.c),
                                    plane_of(input), stream());
}

void CudaBackend::relu_forward_bf16(const Tensor& x, Tensor& y) {
  const Shape written = *bf16_layouts_.find(x.data());
  kernels::launch_bf16_relu(bf16_view(x), bf16_view(y), written.numel(), stream());
  bf16_layouts_.mark(y.data(), written);
}

void CudaBackend::relu_backward_bf16(const Tensor& y, const Tensor& dy, Tensor& dx) {
  const Shape written = *bf16_layouts_.find(y.data());
  check_batch_one(written, "relu_backward");
  NSRG_CHECK(dx.data() != y.data(), "relu_backward: dx aliases the bf16 activation");
  const float* gradient = float_values(dy);
  kernels::launch_bf16_nhwc_relu_backward(bf16_view(y), gradient, float_output(dx),
                                          size_t(written.c), plane_of(written), stream());
}

void CudaBackend::pool_forward_bf16(const PoolGeometry& geometry, const Tensor& x, Tensor& y) {
  const Shape written = *bf16_layouts_.find(x.data());
  check_batch_one(written, "pool_forward");
  NSRG_CHECK(written == x.shape(), "pool_forward: bf16 input written as ", written.str(),
             ", read as ", x.shape().str());
  const PoolWindowShape window = pool_window_shape(geometry, x.shape(), y.shape());
  kernels::launch_bf16_nhwc_pool(window, geometry.kind == PoolKind::Max, bf16_view(x), bf16_view(y),
                                 size_t(written.c), stream());
  bf16_layouts_.mark(y.data(), y.shape());
}

// The argmax on the bf16 forward input where it lies (no conversion), then the float32
// gather of the float32 path.
void CudaBackend::max_pool_backward_bf16(const kernels::PoolShape& shape, const Tensor& x,
                                         const Tensor& y, const Tensor& dy, Tensor& dx) {
  const Shape written = *bf16_layouts_.find(x.data());
  check_batch_one(written, "pool_backward");
  NSRG_CHECK(written == x.shape(), "pool_backward: bf16 input written as ", written.str(),
             ", read as ", x.shape().str());
  const float* gradient = float_values(dy);
  DeviceBuffer argmax(*pool_, y.numel() * sizeof(int));
  kernels::launch_bf16_nhwc_max_pool_backward(shape, bf16_view(x), gradient, argmax.as<int>(),
                                              float_output(dx), stream());
}

}  // namespace nsrg
