// RAII owners of CUDA library objects: the stream, events, the cuDNN, cuBLAS and cuSOLVER handles
// and the cuDNN tensor, filter and convolution descriptors. Move-only; each destroys its
// object exactly once.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>
#include <cusolverDn.h>

#include <utility>

namespace nsrg {

// Owns a handle of type Handle, destroyed with Destroy (a function object type).
template <typename Handle, typename Destroy>
class UniqueHandle {
 public:
  UniqueHandle() = default;
  explicit UniqueHandle(Handle handle) : handle_(handle) {}
  ~UniqueHandle() { reset(); }
  UniqueHandle(UniqueHandle&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  UniqueHandle& operator=(UniqueHandle&& other) noexcept {
    if (this != &other) {
      reset();
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }
  UniqueHandle(const UniqueHandle&) = delete;
  UniqueHandle& operator=(const UniqueHandle&) = delete;

  Handle get() const { return handle_; }

 private:
  void reset() noexcept {
    if (handle_ != nullptr) Destroy{}(handle_);
    handle_ = nullptr;
  }
  Handle handle_ = nullptr;
};

// Destroy functions ignore errors: they run in destructors, possibly while unwinding.
struct DestroyStream {
  void operator()(cudaStream_t s) const noexcept { (void)cudaStreamDestroy(s); }
};
struct DestroyEvent {
  void operator()(cudaEvent_t e) const noexcept { (void)cudaEventDestroy(e); }
};
struct DestroyCudnn {
  void operator()(cudnnHandle_t h) const noexcept { (void)cudnnDestroy(h); }
};
struct DestroyCublas {
  void operator()(cublasHandle_t h) const noexcept { (void)cublasDestroy(h); }
};
struct DestroyCusolver {
  void operator()(cusolverDnHandle_t h) const noexcept { (void)cusolverDnDestroy(h); }
};
struct DestroyTensorDescriptor {
  void operator()(cudnnTensorDescriptor_t d) const noexcept {
    (void)cudnnDestroyTensorDescriptor(d);
  }
};
struct DestroyFilterDescriptor {
  void operator()(cudnnFilterDescriptor_t d) const noexcept {
    (void)cudnnDestroyFilterDescriptor(d);
  }
};
struct DestroyConvolutionDescriptor {
  void operator()(cudnnConvolutionDescriptor_t d) const noexcept {
    (void)cudnnDestroyConvolutionDescriptor(d);
  }
};

using Stream = UniqueHandle<cudaStream_t, DestroyStream>;
using Event = UniqueHandle<cudaEvent_t, DestroyEvent>;
using CudnnHandle = UniqueHandle<cudnnHandle_t, DestroyCudnn>;
using CublasHandle = UniqueHandle<cublasHandle_t, DestroyCublas>;
using CusolverHandle = UniqueHandle<cusolverDnHandle_t, DestroyCusolver>;
using TensorDescriptor = UniqueHandle<cudnnTensorDescriptor_t, DestroyTensorDescriptor>;
using FilterDescriptor = UniqueHandle<cudnnFilterDescriptor_t, DestroyFilterDescriptor>;
using ConvolutionDescriptor =
    UniqueHandle<cudnnConvolutionDescriptor_t, DestroyConvolutionDescriptor>;

// Creators: each checks its call and returns the owner.
Stream create_stream();
Event create_event();
CudnnHandle create_cudnn(cudaStream_t stream);
CublasHandle create_cublas(cudaStream_t stream);
CusolverHandle create_cusolver(cudaStream_t stream);
// NCHW float32 tensor descriptor.
TensorDescriptor create_tensor_descriptor(int n, int c, int h, int w);
// [k, c, h, w] float32 filter descriptor.
FilterDescriptor create_filter_descriptor(int k, int c, int h, int w);
// 2-D cross-correlation (as Caffe), float32 compute, no dilation.
ConvolutionDescriptor create_convolution_descriptor(int pad_h, int pad_w, int stride_h,
                                                    int stride_w);

}  // namespace nsrg
