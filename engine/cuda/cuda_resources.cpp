// Creation of the RAII-owned CUDA library objects (see cuda_resources.h).
#include "engine/cuda/cuda_resources.h"

#include "engine/cuda/cuda_check.h"

namespace nsrg {

Stream create_stream() {
  cudaStream_t stream = nullptr;
  NSRG_CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  return Stream(stream);
}

Event create_event() {
  cudaEvent_t event = nullptr;
  NSRG_CUDA_CHECK(cudaEventCreate(&event));
  return Event(event);
}

CudnnHandle create_cudnn(cudaStream_t stream) {
  cudnnHandle_t handle = nullptr;
  NSRG_CUDNN_CHECK(cudnnCreate(&handle));
  CudnnHandle owner(handle);
  NSRG_CUDNN_CHECK(cudnnSetStream(handle, stream));
  return owner;
}

CublasHandle create_cublas(cudaStream_t stream) {
  cublasHandle_t handle = nullptr;
  NSRG_CUBLAS_CHECK(cublasCreate(&handle));
  CublasHandle owner(handle);
  NSRG_CUBLAS_CHECK(cublasSetStream(handle, stream));
  NSRG_CUBLAS_CHECK(cublasSetPointerMode(handle, CUBLAS_POINTER_MODE_HOST));
  return owner;
}

CusolverHandle create_cusolver(cudaStream_t stream) {
  cusolverDnHandle_t handle = nullptr;
  NSRG_CUSOLVER_CHECK(cusolverDnCreate(&handle));
  CusolverHandle owner(handle);
  NSRG_CUSOLVER_CHECK(cusolverDnSetStream(handle, stream));
  return owner;
}

namespace {

cudnnTensorFormat_t format_of(DataLayout layout) {
  return layout == DataLayout::Bf16Nhwc ? CUDNN_TENSOR_NHWC : CUDNN_TENSOR_NCHW;
}

cudnnDataType_t type_of(DataLayout layout) {
  return layout == DataLayout::Bf16Nhwc ? CUDNN_DATA_BFLOAT16 : CUDNN_DATA_FLOAT;
}

}  // namespace

TensorDescriptor create_tensor_descriptor(int n, int c, int h, int w, DataLayout layout) {
  cudnnTensorDescriptor_t descriptor = nullptr;
  NSRG_CUDNN_CHECK(cudnnCreateTensorDescriptor(&descriptor));
  TensorDescriptor owner(descriptor);
  NSRG_CUDNN_CHECK(
      cudnnSetTensor4dDescriptor(descriptor, format_of(layout), type_of(layout), n, c, h, w));
  return owner;
}

FilterDescriptor create_filter_descriptor(int k, int c, int h, int w, DataLayout layout) {
  cudnnFilterDescriptor_t descriptor = nullptr;
  NSRG_CUDNN_CHECK(cudnnCreateFilterDescriptor(&descriptor));
  FilterDescriptor owner(descriptor);
  NSRG_CUDNN_CHECK(
      cudnnSetFilter4dDescriptor(descriptor, type_of(layout), format_of(layout), k, c, h, w));
  return owner;
}

ConvolutionDescriptor create_convolution_descriptor(int pad_h, int pad_w, int stride_h,
                                                    int stride_w) {
  cudnnConvolutionDescriptor_t descriptor = nullptr;
  NSRG_CUDNN_CHECK(cudnnCreateConvolutionDescriptor(&descriptor));
  ConvolutionDescriptor owner(descriptor);
  NSRG_CUDNN_CHECK(cudnnSetConvolution2dDescriptor(descriptor, pad_h, pad_w, stride_h, stride_w, 1,
                                                   1, CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
  return owner;
}

}  // namespace nsrg
