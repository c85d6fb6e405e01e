// cuDNN convolutions: forward and backward-data, on float32 NCHW tensors or, for precisions
// "mixed" and "bf16", on bfloat16 NHWC ones (the bf16 activation layout,
// engine/core/bf16_layout_rules.h) with bf16 KRSC weights and float32 accumulation (cuDNN's
// PSEUDO_BFLOAT16_CONFIG: bf16 tensors and filter, float compute type), on tensor cores.
// One plan per (geometry, input shape, data type) holds the descriptors and the algorithms,
// each chosen once by timing the candidates (cudnnFind*AlgorithmEx) among the deterministic
// ones the precision allows, and cached. All plans share one growing workspace. The bf16
// copy of a weight tensor is made once, at its first bf16 convolution, and kept until the
// weight tensor is written or released (forget_weights).
#pragma once

#include <cudnn.h>

#include <array>
#include <cstdint>
#include <map>
#include <memory>

#include "engine/core/backend.h"
#include "engine/cuda/cuda_memory.h"
#include "engine/cuda/cuda_resources.h"

namespace nsrg {

// The largest workspace the algorithm search lets one convolution use (less when the
// device has less free memory); the memory plan counts up to it.
constexpr size_t kMaxConvolutionWorkspace = size_t(1) << 30;  // 1 GiB

class ConvolutionPlans {
 public:
  // search false: skip the search, every plan takes the fallback algorithms (tests).
  ConvolutionPlans(cudnnHandle_t cudnn, Precision precision, DevicePool& pool, bool search = true);

  // y = conv(x, weight), without bias.
  void forward(const ConvGeometry& geometry, const Tensor& x, const Tensor& weight, Tensor& y);
  // dx = gradient of the convolution with respect to its input (overwritten).
  void backward_data(const ConvGeometry& geometry, const Tensor& dy, const Tensor& weight,
                     Tensor& dx);
  // The same on bf16 NHWC activations of a batch-1 `input` shape (x and y, or dy and dx:
  // device arrays of the input's and the output's element counts) and the bf16 KRSC weights
  // of bf16_weights. The outputs are rounded to bf16 by cuDNN.
  void forward_bf16(const ConvGeometry& geometry, const Shape& input, const uint16_t* x,
                    const uint16_t* weight, uint16_t* y);
  void backward_data_bf16(const ConvGeometry& geometry, const Shape& input, const uint16_t* dy,
                          const uint16_t* weight, uint16_t* dx);
  // The bf16 KRSC copy of `weight` (KCRS float32), converted on first use and cached.
  const uint16_t* bf16_weights(const Tensor& weight);
  // Drops the bf16 copy of the weight tensor at `data` (written or released).
  void forget_weights(const float* data) noexcept;

  size_t workspace_bytes() const { return workspace_.bytes(); }

 private:
  struct Choice {
    bool chosen = false;
    int algorithm = 0;  // cudnnConvolutionFwdAlgo_t or cudnnConvolutionBwdDataAlgo_t
    size_t workspace = 0;
    cudnnMathType_t math = CUDNN_FMA_MATH;
  };
  struct Plan {
    bool bf16 = false;
    TensorDescriptor input, output;
    FilterDescriptor filter;
    ConvolutionDescriptor convolution;
    Choice forward, backward_data;
  };
  using Key = std::array<int, 12>;

  // The cuDNN calls that differ between the directions (cuda_convolution.cpp).
  struct ForwardSearch;
  struct BackwardDataSearch;

  Plan& plan_for(const ConvGeometry& geometry, const Shape& input, const Shape& output, bool bf16);
  // The two directions on device arrays (float or bf16 as the plan's descriptors say).
  void run_forward(Plan& plan, const void* x, const void* weight, void* y);
  void run_backward_data(Plan& plan, const void* dy, const void* weight, void* dx);
  // Times the direction's candidates on its operands (cudnnFind*AlgorithmEx) and keeps the
  // fastest deterministic one that fits the search workspace and the precision, else (or
  // when the search is off) the direction's fallback algorithm.
  template <typename Search>
  Choice choose(const Plan& plan, const Search& direction);
  // Sets the plan's math type, reserves its workspace for `choice`.
  void prepare(const Plan& plan, const Choice& choice);
  bool math_allowed(cudnnMathType_t math, bool bf16) const;
  // Largest workspace a search may offer the candidates.
  size_t search_limit() const;

  cudnnHandle_t cudnn_;
  Precision precision_;
  cudnnMathType_t requested_math(bool bf16) const;
  bool search_;
  DevicePool& pool_;
  DeviceBuffer workspace_;
  std::map<Key, std::unique_ptr<Plan>> plans_;
  std::map<const float*, DeviceBuffer> bf16_weights_;
};

}  // namespace nsrg
