// The stream-ordered device memory pool and scratch buffers (see cuda_memory.h).
#include "engine/cuda/cuda_memory.h"

#include <cstdint>
#include <utility>

#include "engine/core/error.h"
#include "engine/cuda/cuda_backend.h"
#include "engine/cuda/cuda_check.h"

namespace nsrg {

namespace {
std::string mebibytes(size_t bytes) {
  return msg(int64_t((bytes + (size_t(1) << 20) - 1) >> 20), " MiB");
}
}  // namespace

DevicePool::DevicePool(int device, cudaStream_t stream) : stream_(stream) {
  cudaMemPoolProps props{};
  props.allocType = cudaMemAllocationTypePinned;
  props.handleTypes = cudaMemHandleTypeNone;
  props.location.type = cudaMemLocationTypeDevice;
  props.location.id = device;
  NSRG_CUDA_CHECK(cudaMemPoolCreate(&pool_, &props));
  // Keep freed memory in the pool: allocation then costs nothing after the first iteration.
  uint64_t keep_everything = UINT64_MAX;
  const cudaError_t status =
      cudaMemPoolSetAttribute(pool_, cudaMemPoolAttrReleaseThreshold, &keep_everything);
  if (status != cudaSuccess) {
    (void)cudaMemPoolDestroy(pool_);
    NSRG_CUDA_CHECK_CLEARING(status);
  }
}

DevicePool::~DevicePool() {
  (void)cudaStreamSynchronize(stream_);
  // Memory still held by live Tensors is released by the driver once they are freed.
  (void)cudaMemPoolDestroy(pool_);
}

void* DevicePool::allocate(size_t bytes, MemoryUse use) {
  if (bytes == 0) return nullptr;
  void* pointer = nullptr;
  cudaError_t status = cudaMallocFromPoolAsync(&pointer, bytes, pool_, stream_);
  if (status == cudaErrorMemoryAllocation) {
    // Let pending stream-ordered frees complete, hand unused pool memory back, try once more.
    (void)cudaGetLastError();
    NSRG_CUDA_CHECK_CLEARING(cudaStreamSynchronize(stream_));
    NSRG_CUDA_CHECK_CLEARING(cudaMemPoolTrimTo(pool_, 0));
    status = cudaMallocFromPoolAsync(&pointer, bytes, pool_, stream_);
  }
  // A request beyond the pool's reach may also be refused as an invalid value; with more bytes
  // than the device has, that is the same user mistake as running out of memory.
  if (status == cudaErrorInvalidValue) {
    const size_t total = cuda_device_memory_bytes();
    if (total > 0 && bytes > total) status = cudaErrorMemoryAllocation;
  }
  if (status == cudaErrorMemoryAllocation) {
    (void)cudaGetLastError();  // not sticky: clear it so later checks do not report it again
    size_t free_bytes = 0, total = 0;
    (void)cudaMemGetInfo(&free_bytes, &total);
    (void)cudaGetLastError();
    throw UserError(msg("out of GPU memory: could not allocate ", bytes, " bytes (",
                        mebibytes(bytes), "; this render holds ", mebibytes(total_bytes_),
                        ", the device has ", mebibytes(free_bytes), " free of ", mebibytes(total),
                        "): use a smaller image_size or a smaller optimizer.history"));
  }
  // Any other refusal is an internal error; a caller that catches it must not meet it again.
  NSRG_CUDA_CHECK_CLEARING(status);
  std::lock_guard<std::mutex> lock(mutex_);
  live_[pointer] = Allocation{bytes, use};
  total_bytes_ += bytes;
  if (total_bytes_ > peak_total_bytes_) peak_total_bytes_ = total_bytes_;
  if (use == MemoryUse::Tensor) {
    tensor_bytes_ += bytes;
    if (tensor_bytes_ > peak_tensor_bytes_) peak_tensor_bytes_ = tensor_bytes_;
  }
  return pointer;
}

void DevicePool::free(void* pointer) noexcept {
  if (pointer == nullptr) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto found = live_.find(pointer);
    if (found == live_.end()) return;
    total_bytes_ -= found->second.bytes;
    if (found->second.use == MemoryUse::Tensor) tensor_bytes_ -= found->second.bytes;
    live_.erase(found);
  }
  (void)cudaFreeAsync(pointer, stream_);
}

size_t DevicePool::tensor_bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return tensor_bytes_;
}

size_t DevicePool::peak_tensor_bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return peak_tensor_bytes_;
}

size_t DevicePool::peak_total_bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return peak_total_bytes_;
}

size_t DevicePool::reserved_bytes() const {
  std::uint64_t reserved = 0;
  NSRG_CUDA_CHECK_CLEARING(
      cudaMemPoolGetAttribute(pool_, cudaMemPoolAttrReservedMemCurrent, &reserved));
  return size_t(reserved);
}

DeviceBuffer::DeviceBuffer(DevicePool& pool, size_t bytes)
    : pool_(&pool), data_(pool.allocate(bytes, MemoryUse::Scratch)), bytes_(bytes) {}

DeviceBuffer::~DeviceBuffer() {
  reset();
}

DeviceBuffer::DeviceBuffer(DeviceBuffer&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      data_(std::exchange(other.data_, nullptr)),
      bytes_(std::exchange(other.bytes_, 0)) {}

DeviceBuffer& DeviceBuffer::operator=(DeviceBuffer&& other) noexcept {
  if (this != &other) {
    reset();
    pool_ = std::exchange(other.pool_, nullptr);
    data_ = std::exchange(other.data_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

void DeviceBuffer::reserve(DevicePool& pool, size_t bytes) {
  if (bytes <= bytes_ && data_ != nullptr) return;
  reset();  // stream-ordered: work already enqueued on the old buffer still finds it
  *this = DeviceBuffer(pool, bytes);
}

void DeviceBuffer::reset() noexcept {
  if (pool_ != nullptr && data_ != nullptr) pool_->free(data_);
  pool_ = nullptr;
  data_ = nullptr;
  bytes_ = 0;
}

}  // namespace nsrg
