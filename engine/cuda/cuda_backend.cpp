// CudaBackend: the factory, identity (device, library versions, precision) and memory
// (pool allocations, upload/download/copy/fill, scalar reads, event timing).
#include "engine/cuda/cuda_backend.h"

#include <algorithm>
#include <utility>

#include "engine/core/error.h"
#include "engine/cuda/cuda_backend_impl.h"
#include "engine/cuda/cuda_check.h"
#include "kernels/bf16_layout.cuh"

namespace nsrg {

namespace {

constexpr size_t kCublasWorkspaceBytes = size_t(32) << 20;

std::string version_text(int packed, int major_unit, int minor_unit) {
  return msg(packed / major_unit, ".", (packed % major_unit) / minor_unit, ".",
             packed % minor_unit);
}

std::string describe_device(int device, Precision precision, cublasHandle_t cublas) {
  cudaDeviceProp properties{};
  NSRG_CUDA_CHECK(cudaGetDeviceProperties(&properties, device));
  int runtime = 0, driver = 0, cublas_version = 0;
  NSRG_CUDA_CHECK(cudaRuntimeGetVersion(&runtime));
  NSRG_CUDA_CHECK(cudaDriverGetVersion(&driver));
  NSRG_CUBLAS_CHECK(cublasGetVersion(cublas, &cublas_version));
  // cuDNN 9 packs its version as major*10000 + minor*100 + patch.
  const int cudnn = int(cudnnGetVersion());
  return msg("cuda: ", properties.name, " (sm_", properties.major, properties.minor, ", ",
             (properties.totalGlobalMem >> 20), " MiB), CUDA runtime ",
             version_text(runtime, 1000, 10), ", driver ", version_text(driver, 1000, 10),
             ", cuDNN ", version_text(cudnn, 10000, 100), ", cuBLAS ",
             version_text(cublas_version, 10000, 100), ", ", name_in(kPrecisionNames, precision));
}

// cudaMemGetInfo's free and total bytes of the current device; {0, 0} when they cannot be
// read (the failure is cleared: no later launch check may report it).
std::pair<size_t, size_t> device_memory_info() {
  size_t free_bytes = 0, total = 0;
  if (cudaMemGetInfo(&free_bytes, &total) != cudaSuccess) {
    (void)cudaGetLastError();
    return {0, 0};
  }
  return {free_bytes, total};
}

}  // namespace

int cuda_device_count() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    (void)cudaGetLastError();
    return 0;
  }
  return count;
}

size_t cuda_device_memory_bytes() {
  return device_memory_info().second;
}

size_t cuda_device_free_bytes() {
  return device_memory_info().first;
}

std::unique_ptr<Backend> make_cuda_backend(const BackendOptions& options) {
  return make_cuda_backend(options, CudaTestOverrides{});
}

std::unique_ptr<Backend> make_cuda_backend(const BackendOptions& options,
                                           const CudaTestOverrides& overrides) {
  NSRG_REQUIRE(cuda_device_count() > 0, "backend \"cuda\": no CUDA device is present");
  int device = 0;
  NSRG_CUDA_CHECK(cudaGetDevice(&device));
  return std::make_unique<CudaBackend>(device, options, overrides);
}

CudaBackend::CudaBackend(int device, const BackendOptions& options,
                         const CudaTestOverrides& overrides)
    : device_(device), precision_(options.precision) {
  NSRG_CUDA_CHECK(cudaSetDevice(device_));
  stream_ = create_stream();
  pool_ = std::make_unique<DevicePool>(device_, stream_.get());
  cudnn_ = create_cudnn(stream_.get());
  cublas_ = create_cublas(stream_.get());
  // After cublasSetStream (which resets it): the size NVIDIA recommends for Hopper.
  cublas_workspace_ = DeviceBuffer(*pool_, kCublasWorkspaceBytes);
  NSRG_CUBLAS_CHECK(
      cublasSetWorkspace(cublas_.get(), cublas_workspace_.data(), cublas_workspace_.bytes()));
  cusolver_ = create_cusolver(stream_.get());
  // Fp32: no TF32 anywhere: cuBLAS's default math (which keeps float32 GEMMs off TF32, as
  // PyTorch's fp32 peer runs) and FMA-only cuDNN. Tf32: tensor cores for GEMMs and
  // convolutions with float32 data. Mixed and Bf16: bf16 convolutions (cuda_convolution.h);
  // the Grams' GEMMs stay float32 as with Fp32. No parity test needs CUBLAS_PEDANTIC_MATH (a
  // mode meant for testing, possibly slower); their tolerances hold for any fp32 summation
  // order.
  NSRG_CUBLAS_CHECK(cublasSetMathMode(cublas_.get(), precision_ == Precision::Tf32
                                                         ? CUBLAS_TF32_TENSOR_OP_MATH
                                                         : CUBLAS_DEFAULT_MATH));
  convolutions_ = std::make_unique<ConvolutionPlans>(cudnn_.get(), precision_, *pool_,
                                                     !overrides.fallback_convolutions);
  reduce_partials_ = DeviceBuffer(*pool_, (size_t(kernels::kReducePartials) + 2) * sizeof(double));
  description_ = describe_device(device_, precision_, cublas_.get());
}

CudaBackend::~CudaBackend() {
  // Let enqueued work finish before the members it uses go away.
  (void)cudaStreamSynchronize(stream_.get());
}

// ---- helpers ------------------------------------------------------------------------------

float* CudaBackend::slot_pointer(ScalarSlot slot) {
  NSRG_CHECK(slot.array != nullptr && !slot.array->empty(), "scalar slot without an array");
  NSRG_CHECK(slot.index >= 0 && size_t(slot.index) < slot.array->numel(), "scalar slot ",
             slot.index, " of ", slot.array->shape().str());
  return slot.array->data() + slot.index;
}

kernels::DeviceCoef CudaBackend::device_coef(const Coef& coef) {
  kernels::DeviceCoef result;
  result.constant = coef.constant;
  if (coef.array != nullptr) {
    NSRG_CHECK(!coef.array->empty() && coef.index >= 0 && size_t(coef.index) < coef.array->numel(),
               "coefficient index ", coef.index, " of ", coef.array->shape().str());
    result.scalar = coef.array->data() + coef.index;
  }
  return result;
}

kernels::ReduceScratch CudaBackend::reduce_scratch() const {
  return kernels::ReduceScratch{reduce_partials_.as<double>()};
}

double* CudaBackend::scalar_scratch() const {
  return reduce_partials_.as<double>() + kernels::kReducePartials;
}

// ---- memory -------------------------------------------------------------------------------

Tensor CudaBackend::empty(const Shape& shape) {
  NSRG_CHECK(shape.n > 0 && shape.c > 0 && shape.h > 0 && shape.w > 0, "tensor shape ",
             shape.str());
  void* data = pool_->allocate(shape.numel() * sizeof(float), MemoryUse::Tensor);
  return Tensor(this, shape, static_cast<float*>(data));
}

void CudaBackend::release(float* data) noexcept {
  forget_storage(data);
  pool_->free(data);
}

void CudaBackend::forget_storage(const float* data) noexcept {
  if (convolutions_) convolutions_->forget_weights(data);
  bf16_layouts_.forget(data);
}

const float* CudaBackend::float_values(const Tensor& tensor) {
  const Shape* entry = bf16_layouts_.find(tensor.data());
  if (entry == nullptr) return tensor.data();
  const Shape written = *entry;
  float* storage = const_cast<float*>(tensor.data());
  // The bf16 values move to scratch first: the float32 result overwrites them.
  DeviceBuffer values(*pool_, written.numel() * sizeof(uint16_t));
  NSRG_CUDA_CHECK(cudaMemcpyAsync(values.data(), storage, values.bytes(), cudaMemcpyDeviceToDevice,
                                  stream_.get()));
  kernels::launch_bf16_nhwc_to_nchw(values.as<uint16_t>(), storage, size_t(written.c),
                                    size_t(written.h) * size_t(written.w), stream_.get());
  bf16_layouts_.forget(storage);
  return storage;
}

float* CudaBackend::float_output(Tensor& tensor) {
  bf16_layouts_.forget(tensor.data());
  return tensor.data();
}

void CudaBackend::upload(const float* host, Tensor& dst) {
  NSRG_CHECK(!dst.empty(), "upload into an empty tensor");
  forget_storage(dst.data());
  NSRG_CUDA_CHECK(
      cudaMemcpyAsync(dst.data(), host, dst.bytes(), cudaMemcpyHostToDevice, stream_.get()));
  // The host buffer may be reused as soon as upload returns.
  NSRG_CUDA_CHECK(cudaStreamSynchronize(stream_.get()));
}

void CudaBackend::download(const Tensor& src, float* host) {
  NSRG_CHECK(!src.empty(), "download from an empty tensor");
  NSRG_CUDA_CHECK(
      cudaMemcpyAsync(host, float_values(src), src.bytes(), cudaMemcpyDeviceToHost, stream_.get()));
  NSRG_CUDA_CHECK(cudaStreamSynchronize(stream_.get()));
}

void CudaBackend::copy(const Tensor& src, Tensor& dst) {
  NSRG_CHECK(src.numel() == dst.numel(), "copy ", src.shape().str(), " to ", dst.shape().str());
  const float* in = float_values(src);
  if (src.data() == dst.data() || src.numel() == 0) return;
  forget_storage(dst.data());
  NSRG_CUDA_CHECK(
      cudaMemcpyAsync(dst.data(), in, src.bytes(), cudaMemcpyDeviceToDevice, stream_.get()));
}

void CudaBackend::fill(Tensor& dst, float value) {
  NSRG_CHECK(!dst.empty(), "fill of an empty tensor");
  forget_storage(dst.data());
  kernels::launch_fill(dst.data(), dst.numel(), value, stream_.get());
}

float CudaBackend::read_scalar(const Tensor& scalars, int index) {
  (void)float_values(scalars);
  const float* pointer = slot_pointer(ScalarSlot{const_cast<Tensor*>(&scalars), index});
  float value = 0.0f;
  NSRG_CUDA_CHECK(
      cudaMemcpyAsync(&value, pointer, sizeof(float), cudaMemcpyDeviceToHost, stream_.get()));
  NSRG_CUDA_CHECK(cudaStreamSynchronize(stream_.get()));
  return value;
}

void CudaBackend::synchronize() {
  NSRG_CUDA_CHECK(cudaStreamSynchronize(stream_.get()));
}

double CudaBackend::time_ms(const std::function<void()>& work) {
  const Event start = create_event(), stop = create_event();
  synchronize();
  NSRG_CUDA_CHECK(cudaEventRecord(start.get(), stream_.get()));
  work();
  NSRG_CUDA_CHECK(cudaEventRecord(stop.get(), stream_.get()));
  NSRG_CUDA_CHECK(cudaEventSynchronize(stop.get()));
  float milliseconds = 0.0f;
  NSRG_CUDA_CHECK(cudaEventElapsedTime(&milliseconds, start.get(), stop.get()));
  return double(milliseconds);
}

// The cuBLAS workspace set on the handle, and a cuDNN algorithm's workspace: the search
// never picks one above kMaxConvolutionWorkspace (cuda_convolution.h), and the workspace
// grows with the activations, so the largest activation stands in for it below that cap.
// With "mixed" and "bf16" also the bf16 copies of the weights (half their float32 bytes)
// and a bf16 backward-data convolution's scratch: its gradient and its result in bf16
// (2 bytes an element each, at most the two float32 activations' bytes together).
size_t CudaBackend::workspace_bytes(const std::vector<ConvCall>& convs, size_t weight_bytes) const {
  size_t largest_activation = 0, largest_pair = 0;
  for (const ConvCall& call : convs) {
    const size_t input = call.input.numel() * sizeof(float);
    const size_t output = call.geometry.output_shape(call.input).numel() * sizeof(float);
    largest_activation = std::max({largest_activation, input, output});
    largest_pair = std::max(largest_pair, (input + output) / 2);
  }
  const bool bf16 = precision_ == Precision::Mixed || precision_ == Precision::Bf16;
  const size_t bf16_bytes = bf16 ? weight_bytes / 2 + largest_pair : 0;
  return kCublasWorkspaceBytes + std::min(kMaxConvolutionWorkspace, largest_activation) +
         bf16_bytes;
}

}  // namespace nsrg
