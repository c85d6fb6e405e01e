// CudaBackend network layers: cuDNN convolution (forward with a bias kernel, backward-data),
// ReLU and pooling kernels, on float32 NCHW; each hands a bf16 case to its bf16 form
// (cuda_bf16_layer_ops.cpp).
#include "engine/core/error.h"
#include "engine/cuda/cuda_backend_impl.h"
#include "engine/cuda/cuda_check.h"
#include "kernels/pooling.cuh"

namespace nsrg {

namespace {

kernels::PoolShape pool_shape(const PoolGeometry& g, const Shape& input, const Shape& output) {
  kernels::PoolShape s;
  static_cast<PoolWindowShape&>(s) = pool_window_shape(g, input, output);
  s.planes = input.n * input.c;
  return s;
}

void check_pool_shapes(const PoolGeometry& geometry, const Shape& input, const Shape& output) {
  NSRG_CHECK(geometry.output_shape(input) == output, "pool output ", output.str(), " for input ",
             input.str(), ", expected ", geometry.output_shape(input).str());
  NSRG_CHECK(geometry.kernel_h > 0 && geometry.kernel_w > 0 && geometry.stride_h > 0 &&
                 geometry.stride_w > 0 && geometry.pad_h >= 0 && geometry.pad_w >= 0,
             "pool geometry: kernel ", geometry.kernel_h, "x", geometry.kernel_w, " stride ",
             geometry.stride_h, "x", geometry.stride_w, " pad ", geometry.pad_h, "x",
             geometry.pad_w);
}

}  // namespace

void CudaBackend::conv_forward(const ConvGeometry& geometry, const Tensor& x, const Tensor& weight,
                               const Tensor& bias, Tensor& y) {
  NSRG_CHECK(bias.numel() == size_t(geometry.out_channels), "conv bias ", bias.shape().str(),
             " for ", geometry.out_channels, " output channels");
  NSRG_CHECK(x.data() != y.data(), "conv_forward: output aliases the input");
  if (bf16_forward(geometry)) {
    conv_forward_bf16(geometry, x, weight, bias, y);
    return;
  }
  (void)float_values(x);
  (void)float_output(y);
  convolutions_->forward(geometry, x, weight, y);
  const Shape& out = y.shape();
  kernels::launch_bias_add(y.data(), float_values(bias), out.n, out.c,
                           size_t(out.h) * size_t(out.w), stream());
}

void CudaBackend::conv_backward_data(const ConvGeometry& geometry, const Tensor& dy,
                                     const Tensor& weight, Tensor& dx) {
  NSRG_CHECK(dx.data() != dy.data(), "conv_backward_data: dx aliases dy");
  if (bf16_backward(geometry)) {
    conv_backward_data_bf16(geometry, dy, weight, dx);
    return;
  }
  (void)float_values(dy);
  (void)float_output(dx);
  convolutions_->backward_data(geometry, dy, weight, dx);
}

void CudaBackend::relu_forward(const Tensor& x, Tensor& y) {
  NSRG_CHECK(x.numel() == y.numel(), "relu_forward ", x.shape().str(), " to ", y.shape().str());
  if (bf16_layouts_.find(x.data()) != nullptr) {
    relu_forward_bf16(x, y);
    return;
  }
  const float* in = float_values(x);
  kernels::launch_relu_forward(in, float_output(y), x.numel(), stream());
}

void CudaBackend::relu_backward(const Tensor& y, const Tensor& dy, Tensor& dx) {
  NSRG_CHECK(y.numel() == dy.numel() && y.numel() == dx.numel(), "relu_backward y ",
             y.shape().str(), " dy ", dy.shape().str(), " dx ", dx.shape().str());
  if (bf16_layouts_.find(y.data()) != nullptr) {
    relu_backward_bf16(y, dy, dx);
    return;
  }
  const float* activation = float_values(y);
  const float* gradient = float_values(dy);
  kernels::launch_relu_backward(activation, gradient, float_output(dx), y.numel(), stream());
}

void CudaBackend::pool_forward(const PoolGeometry& geometry, const Tensor& x, Tensor& y) {
  check_pool_shapes(geometry, x.shape(), y.shape());
  NSRG_CHECK(x.data() != y.data(), "pool_forward: output aliases the input");
  if (bf16_layouts_.find(x.data()) != nullptr) {
    pool_forward_bf16(geometry, x, y);
    return;
  }
  const kernels::PoolShape shape = pool_shape(geometry, x.shape(), y.shape());
  const float* in = float_values(x);
  float* out = float_output(y);
  if (geometry.kind == PoolKind::Max) {
    kernels::launch_max_pool_forward(shape, in, out, stream());
  } else {
    kernels::launch_avg_pool_forward(shape, in, out, stream());
  }
}

void CudaBackend::pool_backward(const PoolGeometry& geometry, const Tensor& x, const Tensor& y,
                                const Tensor& dy, Tensor& dx) {
  check_pool_shapes(geometry, x.shape(), y.shape());
  NSRG_CHECK(dy.shape() == y.shape() && dx.shape() == x.shape(), "pool_backward dy ",
             dy.shape().str(), " dx ", dx.shape().str());
  NSRG_CHECK(dx.data() != dy.data() && dx.data() != x.data(), "pool_backward: dx aliases ",
             "an input");
  const kernels::PoolShape shape = pool_shape(geometry, x.shape(), y.shape());
  if (geometry.kind == PoolKind::Max && bf16_layouts_.find(x.data()) != nullptr) {
    max_pool_backward_bf16(shape, x, y, dy, dx);
    return;
  }
  const float* gradient = float_values(dy);
  float* out = float_output(dx);
  if (geometry.kind == PoolKind::Max) {
    const float* in = float_values(x);
    DeviceBuffer argmax(*pool_, y.numel() * sizeof(int));
    kernels::launch_max_pool_backward(shape, in, gradient, argmax.as<int>(), out, stream());
  } else {
    kernels::launch_avg_pool_backward(shape, gradient, out, stream());
  }
}

}  // namespace nsrg
