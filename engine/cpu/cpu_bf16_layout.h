// The CPU backend's bf16 activation layout (precision = "bf16"): bfloat16 values, channels
// last (NHWC, the layout oneDNN's AMX convolutions choose), stored inside the activation
// Tensor's own float storage (2 bytes of its 4 per element). The table of which Tensors
// hold this layout, the conversions to and from float32 NCHW, and the layer loops that run
// on the layout (ReLU, pooling) without converting it. bf16 values are rounded by
// engine/core/ring_values.h's float_to_bf16, the engine's one bf16 rounding rule.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>

#include "engine/core/geometry.h"
#include "engine/core/tensor.h"

namespace nsrg::cpu {

// The Tensors (by storage address) whose contents are bf16 NHWC rather than float32 NCHW,
// with the shape they were written at.
class Bf16Activations {
 public:
  void mark(const float* data, const Shape& shape) { shapes_[data] = shape; }
  void forget(const float* data) noexcept { shapes_.erase(data); }
  // The shape the storage at `data` holds bf16 values of, or nullptr when it holds float32.
  const Shape* find(const float* data) const {
    const auto found = shapes_.find(data);
    return found == shapes_.end() ? nullptr : &found->second;
  }

 private:
  std::unordered_map<const float*, Shape> shapes_;
};

// float32 NCHW -> bf16 NHWC (rounded to nearest even) and back (exact), batch 1.
void nchw_to_bf16_nhwc(const Shape& shape, const float* src, uint16_t* dst, int threads);
void bf16_nhwc_to_nchw(const Shape& shape, const uint16_t* src, float* dst, int threads);

// ReLU on bf16 values (any layout): negative values (and -0) become +0; src may be dst.
void bf16_relu(size_t count, const uint16_t* src, uint16_t* dst, int threads);

// ReLU backward from a bf16 NHWC ReLU output y: dx = dy where y > 0, else 0 (the rule of
// engine/core/elementwise_rules.h, y read in its layout); dy and dx are float32 NCHW and may
// be the same array.
void bf16_nhwc_relu_backward(const Shape& shape, const uint16_t* y, const float* dy, float* dx,
                             int threads);

// Pooling of a bf16 NHWC input into a bf16 NHWC output with the window, divisor and empty-
// window rules of engine/core/pooling_rules.h (the average summed in float in row-major
// window order and rounded once).
void bf16_nhwc_pool(const PoolGeometry& geometry, const Shape& input, const Shape& output,
                    const uint16_t* src, uint16_t* dst, int threads);

}  // namespace nsrg::cpu
