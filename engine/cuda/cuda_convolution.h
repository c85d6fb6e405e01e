// cuDNN convolutions: forward and backward-data, NCHW float32. One plan per (geometry,
// input shape) holds the descriptors and the algorithms, each chosen once by timing the
// candidates (cudnnFind*AlgorithmEx) among the deterministic ones the precision allows,
// and cached. All plans share one growing workspace.
#pragma once

#include <cudnn.h>

#include <array>
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

  size_t workspace_bytes() const { return workspace_.bytes(); }

 private:
  struct Choice {
    bool chosen = false;
    int algorithm = 0;  // cudnnConvolutionFwdAlgo_t or cudnnConvolutionBwdDataAlgo_t
    size_t workspace = 0;
    cudnnMathType_t math = CUDNN_FMA_MATH;
  };
  struct Plan {
    TensorDescriptor input, output;
    FilterDescriptor filter;
    ConvolutionDescriptor convolution;
    Choice forward, backward_data;
  };
  using Key = std::array<int, 11>;

  // The cuDNN calls that differ between the directions (cuda_convolution.cpp).
  struct ForwardSearch;
  struct BackwardDataSearch;

  Plan& plan_for(const ConvGeometry& geometry, const Shape& input, const Shape& output);
  // Times the direction's candidates on its operands (cudnnFind*AlgorithmEx) and keeps the
  // fastest deterministic one that fits the search workspace and the precision, else (or
  // when the search is off) the direction's fallback algorithm.
  template <typename Search>
  Choice choose(const Plan& plan, const Search& direction);
  bool math_allowed(cudnnMathType_t math) const;
  // Largest workspace a search may offer the candidates.
  size_t search_limit() const;

  cudnnHandle_t cudnn_;
  Precision precision_;
  cudnnMathType_t requested_math_;
  bool search_;
  DevicePool& pool_;
  DeviceBuffer workspace_;
  std::map<Key, std::unique_ptr<Plan>> plans_;
};

}  // namespace nsrg
