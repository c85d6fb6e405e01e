// CudaBackend network layers: cuDNN convolution (forward with a bias kernel, backward-data),
// ReLU and pooling kernels.
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
  convolutions_->forward(geometry, x, weight, y);
  const Shape& out = y.shape();
  kernels::launch_bias_add(y.data(), bias.data(), out.n, out.c, size_t(out.h) * size_t(out.w),
                           stream());
}

void CudaBackend::conv_backward_data(const ConvGeometry& geometry, const Tensor& dy,
                                     const Tensor& weight, Tensor& dx) {
  NSRG_CHECK(dx.data() != dy.data(), "conv_backward_data: dx aliases dy");
  convolutions_->backward_data(geometry, dy, weight, dx);
}

void CudaBackend::relu_forward(const Tensor& x, Tensor& y) {
  NSRG_CHECK(x.numel() == y.numel(), "relu_forward ", x.shape().str(), " to ", y.shape().str());
  kernels::launch_relu_forward(x.data(), y.data(), x.numel(), stream());
}

void CudaBackend::relu_backward(const Tensor& y, const Tensor& dy, Tensor& dx) {
  NSRG_CHECK(y.numel() == dy.numel() && y.numel() == dx.numel(), "relu_backward y ",
             y.shape().str(), " dy ", dy.shape().str(), " dx ", dx.shape().str());
  kernels::launch_relu_backward(y.data(), dy.data(), dx.data(), y.numel(), stream());
}

void CudaBackend::pool_forward(const PoolGeometry& geometry, const Tensor& x, Tensor& y) {
  check_pool_shapes(geometry, x.shape(), y.shape());
  NSRG_CHECK(x.data() != y.data(), "pool_forward: output aliases the input");
  const kernels::PoolShape shape = pool_shape(geometry, x.shape(), y.shape());
  if (geometry.kind == PoolKind::Max) {
    kernels::launch_max_pool_forward(shape, x.data(), y.data(), stream());
  } else {
    kernels::launch_avg_pool_forward(shape, x.data(), y.data(), stream());
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
  if (geometry.kind == PoolKind::Max) {
    DeviceBuffer argmax(*pool_, y.numel() * sizeof(int));
    kernels::launch_max_pool_backward(shape, x.data(), dy.data(), argmax.as<int>(), dx.data(),
                                      stream());
  } else {
    kernels::launch_avg_pool_backward(shape, dy.data(), dx.data(), stream());
  }
}

}  // namespace nsrg
