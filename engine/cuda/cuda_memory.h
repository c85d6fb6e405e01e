// Device memory: a stream-ordered caching pool (cudaMemPool with an unlimited release
// threshold, so freed blocks are reused without returning to the driver) with byte
// accounting and peak tracking, and DeviceBuffer, a move-only scratch allocation from it.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <mutex>
#include <unordered_map>

namespace nsrg {

// What an allocation is for; Tensor bytes are what peak_memory_bytes reports.
enum class MemoryUse { Tensor, Scratch };

class DevicePool {
 public:
  DevicePool(int device, cudaStream_t stream);
  ~DevicePool();
  DevicePool(const DevicePool&) = delete;
  DevicePool& operator=(const DevicePool&) = delete;

  // Stream-ordered allocation. Out of memory is a UserError naming the request; any other
  // failure an InternalError. bytes == 0 gives nullptr.
  void* allocate(size_t bytes, MemoryUse use);
  // Stream-ordered free of a pointer from allocate(); unknown pointers are ignored.
  void free(void* pointer) noexcept;

  size_t tensor_bytes() const;
  size_t peak_tensor_bytes() const;
  size_t peak_total_bytes() const;
  size_t reserved_bytes() const;  // what the pool holds from the driver (live and cached)
  cudaStream_t stream() const { return stream_; }

 private:
  struct Allocation {
    size_t bytes;
    MemoryUse use;
  };

  cudaMemPool_t pool_ = nullptr;
  cudaStream_t stream_ = nullptr;
  mutable std::mutex mutex_;
  std::unordered_map<void*, Allocation> live_;
  size_t tensor_bytes_ = 0, peak_tensor_bytes_ = 0;
  size_t total_bytes_ = 0, peak_total_bytes_ = 0;
};

// A scratch allocation (workspace, partial sums, temporaries) freed in stream order.
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(DevicePool& pool, size_t bytes);
  ~DeviceBuffer();
  DeviceBuffer(DeviceBuffer&& other) noexcept;
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  void* data() const { return data_; }
  template <typename T>
  T* as() const {
    return static_cast<T*>(data_);
  }
  size_t bytes() const { return bytes_; }

  // Makes the buffer at least `bytes` large (contents are not kept when it grows).
  void reserve(DevicePool& pool, size_t bytes);

 private:
  void reset() noexcept;

  DevicePool* pool_ = nullptr;
  void* data_ = nullptr;
  size_t bytes_ = 0;
};

}  // namespace nsrg
