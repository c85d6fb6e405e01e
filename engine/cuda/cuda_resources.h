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

// Owns a handle of type Handle, destroyed with the library function `destroy`, whose status
// is ignored: it runs in destructors, possibly while unwinding.
template <typename Handle, auto destroy>
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
    if (handle_ != nullptr) (void)destroy(handle_);
    handle_ = nullptr;
  }
  Handle handle_ = nullptr;
};

using Stream = UniqueHandle<cudaStream_t, cudaStreamDestroy>;
using Event = UniqueHandle<cudaEvent_t, cudaEventDestroy>;
using CudnnHandle = UniqueHandle<cudnnHandle_t, cudnnDestroy>;
using CublasHandle = UniqueHandle<cublasHandle_t, cublasDestroy>;
using CusolverHandle = UniqueHandle<cusolverDnHandle_t, cusolverDnDestroy>;
using TensorDescriptor = UniqueHandle<cudnnTensorDescriptor_t, cudnnDestroyTensorDescriptor>;
using FilterDescriptor = UniqueHandle<cudnnFilterDescriptor_t, cudnnDestroyFilterDescriptor>;
using ConvolutionDescriptor =
    UniqueHandle<cudnnConvolutionDescriptor_t, cudnnDestroyConvolutionDescriptor>;

// Creators: each checks its call and returns the owner.
Stream create_stream();
Event create_event();
CudnnHandle create_cudnn(cudaStream_t stream);
CublasHandle create_cublas(cudaStream_t stream);
CusolverHandle create_cusolver(cudaStream_t stream);
// How a convolution's tensors and filter lie in memory: float32 NCHW (filter KCRS), or
// bfloat16 NHWC (filter KRSC), the bf16 activation layout of engine/core/bf16_layout_rules.h.
enum class DataLayout { FloatNchw, Bf16Nhwc };
// Tensor descriptor of an [n, c, h, w] tensor in `layout`.
TensorDescriptor create_tensor_descriptor(int n, int c, int h, int w,
                                          DataLayout layout = DataLayout::FloatNchw);
// Filter descriptor of [k, c, h, w] weights in `layout`.
FilterDescriptor create_filter_descriptor(int k, int c, int h, int w,
                                          DataLayout layout = DataLayout::FloatNchw);
// 2-D cross-correlation (as Caffe), float32 compute (for bf16 tensors too), no dilation.
ConvolutionDescriptor create_convolution_descriptor(int pad_h, int pad_w, int stride_h,
                                                    int stride_w);

}  // namespace nsrg
