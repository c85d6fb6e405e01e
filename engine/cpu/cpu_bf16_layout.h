// The CPU backend's private layouts of precision "bf16" and "mixed", both channels last (NHWC,
// the layout oneDNN's AMX convolutions choose), stored inside a Tensor's own float storage:
// bf16 activations (2 bytes of the 4 per element; forward outputs with "bf16") and float32
// NHWC gradients (backward-data outputs with "mixed" and "bf16"). The table of which Tensors
// hold which layout, the conversions to and from float32 NCHW, and the layer loops that run
// on the layouts (ReLU, pooling, ReLU backward) without converting them. bf16 values are
// rounded by engine/core/ring_values.h's float_to_bf16, the engine's one bf16 rounding rule.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>

#include "engine/core/geometry.h"
#include "engine/core/tensor.h"

namespace nsrg::cpu {

enum class PrivateLayout { Bf16Nhwc, F32Nhwc };

// A Tensor's storage in a private layout: which, and the shape it was written at.
struct LaidOut {
  Shape shape;
  PrivateLayout layout;
};

// The Tensors (by storage address) whose contents are in a private layout rather than
// float32 NCHW.
class LayoutTable {
 public:
  void mark(const float* data, const Shape& shape, PrivateLayout layout) {
    entries_[data] = {shape, layout};
  }
  void forget(const float* data) noexcept { entries_.erase(data); }
  // The layout of the storage at `data`, or nullptr when it holds float32 NCHW.
  const LaidOut* find(const float* data) const {
    const auto found = entries_.find(data);
    return found == entries_.end() ? nullptr : &found->second;
  }

 private:
  std::unordered_map<const float*, LaidOut> entries_;
};

// float32 NCHW -> bf16 NHWC (rounded to nearest even) and back (exact), batch 1.
void nchw_to_bf16_nhwc(const Shape& shape, const float* src, uint16_t* dst, int threads);
void bf16_nhwc_to_nchw(const Shape& shape, const uint16_t* src, float* dst, int threads);
// float32 NHWC -> float32 NCHW and back, batch 1.
void f32_nhwc_to_nchw(const Shape& shape, const float* src, float* dst, int threads);
void nchw_to_f32_nhwc(const Shape& shape, const float* src, float* dst, int threads);
// float32 -> bf16 element by element (any layout, rounded to nearest even), and bf16 ->
// float32 (exact).
void f32_to_bf16(size_t count, const float* src, uint16_t* dst, int threads);
void bf16_to_f32(size_t count, const uint16_t* src, float* dst, int threads);

// ReLU on bf16 values (any layout): negative values (and -0) become +0; src may be dst.
void bf16_relu(size_t count, const uint16_t* src, uint16_t* dst, int threads);

// ReLU backward, dx = dy where the ReLU output y > 0, else 0 (the rule of
// engine/core/elementwise_rules.h), each operand read in its own layout; dy and dx may be
// the same array:
// y bf16 NHWC, dy and dx float32 NCHW;
void bf16_nhwc_relu_backward(const Shape& shape, const uint16_t* y, const float* dy, float* dx,
                             int threads);
// y bf16 NHWC, dy and dx float32 NHWC (element by element);
void bf16_relu_backward(size_t count, const uint16_t* y, const float* dy, float* dx, int threads);
// y float32 NCHW, dy and dx float32 NHWC.
void nhwc_relu_backward(const Shape& shape, const float* y, const float* dy, float* dx,
                        int threads);

// Pooling of a bf16 NHWC input into a bf16 NHWC output with the window, divisor and empty-
// window rules of engine/core/pooling_rules.h (the average summed in float in row-major
// window order and rounded once).
void bf16_nhwc_pool(const PoolGeometry& geometry, const Shape& input, const Shape& output,
                    const uint16_t* src, uint16_t* dst, int threads);

// True for pooling whose windows neither overlap nor reach into padding (kernel = stride,
// no padding; VGG's 2x2 stride-2 layers, in floor or ceil mode): each input position lies in
// at most one window, so the backward pass can gather per window instead of scattering.
bool pool_windows_are_disjoint(const PoolGeometry& geometry);
// Pooling backward of such pooling on the layouts: the forward input x bf16 NHWC, dy and dx
// float32 NHWC. Max routes each dy to the first maximum of its window (row-major order, as
// engine/core/pooling_rules.h's first_max_offset), average gives each position of the window
// dy / divisor; positions in no window get 0.
void bf16_nhwc_pool_backward(const PoolGeometry& geometry, const Shape& input, const Shape& output,
                             const uint16_t* x, const float* dy, float* dx, int threads);

}  // namespace nsrg::cpu
