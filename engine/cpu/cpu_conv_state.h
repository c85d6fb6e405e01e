// CpuConvState: what the oneDNN convolutions keep between calls (engine/cpu/cpu_conv.cpp).
//
// - The oneDNN CPU engine and stream.
// - One plan per (direction, geometry, input shape): the primitive (oneDNN picks the memory
//   formats) and the reorders between the plain NCHW tensors and oneDNN's blocked formats.
// - Two staging buffers for the blocked copies of a call's input and output, shared by all
//   plans (calls run one at a time) and grown to the largest layer.
// - Weights reordered into a primitive's format, cached per weight tensor (data pointer and
//   format). Weights never change during a render; the cache entry of a tensor is dropped
//   when the tensor is released or written through upload/copy/fill.
// - The im2col scratch of the few-input-channel path (cpu_conv_gemm.h).
// - The precision: with "mixed" and "bf16" the backward-data plans take bf16 gradients and
//   weights (reordered from float32 at their edges, float32 out); with "bf16" the forward
//   plans read and write bf16 NHWC activations (cpu_bf16_layout.h) and no edge reorders.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <oneapi/dnnl/dnnl.hpp>
#include <unordered_map>
#include <vector>

#include "engine/core/backend.h"
#include "engine/core/geometry.h"

namespace nsrg {

// A plain NCHW tensor on one side of a primitive and the primitive's own layout of it.
struct CpuConvEdge {
  dnnl::memory::desc plain;
  dnnl::memory::desc chosen;
  bool needs_reorder = false;
  dnnl::reorder reorder;  // plain -> chosen (inputs) or chosen -> plain (outputs)
};

struct CpuConvPlan {
  dnnl::primitive primitive;
  CpuConvEdge input;   // forward: src; backward-data: diff_dst
  CpuConvEdge output;  // forward: dst; backward-data: diff_src
  dnnl::memory::desc plain_weights;
  dnnl::memory::desc chosen_weights;
  dnnl::memory::desc bias;  // forward only
};

struct CpuConvState {
  explicit CpuConvState(Precision precision);

  // The plan for one direction (0 forward, 1 backward-data), geometry and input shape (and,
  // forward in bf16, with or without the ReLU post-op).
  CpuConvPlan& plan(int direction, const ConvGeometry& geometry, const Shape& input,
                    bool relu = false);
  // The weights at `weights` ([K,C,kh,kw], plain layout) in `plan`'s chosen format.
  dnnl::memory weights_for(const CpuConvPlan& plan, const float* weights);
  // Drops every cached reordering of the weight tensor at `data`.
  void forget_weights(const float* data) noexcept;
  // A 64-byte aligned staging buffer (0: input, 1: output) of at least `bytes` bytes.
  float* staging(int slot, size_t bytes);

  Precision precision;
  dnnl::engine engine;
  dnnl::stream stream;
  std::vector<float> gemm_columns;  // im2col scratch of the few-channel path

 private:
  struct CachedWeights {
    dnnl::memory::desc format;
    dnnl::memory memory;
  };

  struct FreeDeleter {
    void operator()(float* data) const noexcept;
  };

  std::array<std::unique_ptr<float, FreeDeleter>, 2> staging_;
  std::array<size_t, 2> staging_bytes_{0, 0};
  std::mutex mutex_;
  std::map<std::array<int, 14>, std::unique_ptr<CpuConvPlan>> plans_;
  std::unordered_map<const float*, std::vector<CachedWeights>> weights_;
};

}  // namespace nsrg
