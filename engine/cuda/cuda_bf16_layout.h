// The CUDA backend's table of Tensors that hold bf16 activations (precision "bf16"): by
// storage address, the shape each was written at. Such a Tensor's storage holds bfloat16
// NHWC values in its first numel * 2 bytes (engine/core/bf16_layout_rules.h) instead of
// float32 NCHW; CudaBackend::float_values converts it back in place before any operation
// that reads float32 (docs/design.md, "The Backend contract").
#pragma once

#include <cstdint>
#include <unordered_map>

#include "engine/core/tensor.h"

namespace nsrg {

class Bf16LayoutTable {
 public:
  void mark(const float* data, const Shape& shape) { entries_[data] = shape; }
  void forget(const float* data) noexcept { entries_.erase(data); }
  // The shape the bf16 activation at `data` was written at, or nullptr for float32 NCHW.
  const Shape* find(const float* data) const {
    const auto found = entries_.find(data);
    return found == entries_.end() ? nullptr : &found->second;
  }

 private:
  std::unordered_map<const float*, Shape> entries_;
};

// A Tensor's storage seen as bf16 values.
inline const uint16_t* bf16_view(const Tensor& tensor) {
  return reinterpret_cast<const uint16_t*>(tensor.data());
}
inline uint16_t* bf16_view(Tensor& tensor) {
  return reinterpret_cast<uint16_t*>(tensor.data());
}

}  // namespace nsrg
