// cuDNN convolution plans: descriptors, the algorithm search (one, for either direction),
// forward and backward-data in float32 NCHW or bf16 NHWC, and the bf16 weight copies (see
// cuda_convolution.h).
#include "engine/cuda/cuda_convolution.h"

#include <algorithm>
#include <vector>

#include "engine/core/error.h"
#include "engine/cuda/cuda_check.h"
#include "kernels/bf16_layout.cuh"

namespace nsrg {

namespace {

// The first (fastest) result that succeeded, is deterministic, fits `limit` and uses an
// allowed math type; nullptr when none does.
template <typename Perf, typename Allowed>
const Perf* fastest_acceptable(const std::vector<Perf>& results, int count, size_t limit,
                               Allowed allowed) {
  for (int i = 0; i < count; ++i) {
    const Perf& r = results[size_t(i)];
    if (r.status == CUDNN_STATUS_SUCCESS && r.determinism == CUDNN_DETERMINISTIC &&
        r.memory <= limit && allowed(r.mathType)) {
      return &r;
    }
  }
  return nullptr;
}

// Largest workspace among the heuristics' candidates that fit `limit`.
template <typename Perf>
size_t largest_candidate_workspace(const std::vector<Perf>& results, int count, size_t limit) {
  size_t largest = 0;
  for (int i = 0; i < count; ++i) {
    const Perf& r = results[size_t(i)];
    if (r.status == CUDNN_STATUS_SUCCESS && r.memory <= limit)
      largest = std::max(largest, r.memory);
  }
  return largest;
}

}  // namespace

ConvolutionPlans::ConvolutionPlans(cudnnHandle_t cudnn, Precision precision, DevicePool& pool,
                                   bool search)
    : cudnn_(cudnn), precision_(precision), search_(search), pool_(pool) {}

// Float32 plans of Fp32, Mixed and Bf16: FMA kernels only (no TF32). Tf32: cuDNN's default,
// which permits TF32 tensor cores for float32 data on Ampere and later, without converting
// data to fp16. bf16 plans: tensor cores on the bf16 data.
cudnnMathType_t ConvolutionPlans::requested_math(bool bf16) const {
  if (bf16) return CUDNN_TENSOR_OP_MATH;
  return precision_ == Precision::Tf32 ? CUDNN_DEFAULT_MATH : CUDNN_FMA_MATH;
}

// Never CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION (float32 data rounded to fp16); float32 plans
// of every precision but Tf32 take FMA kernels only.
bool ConvolutionPlans::math_allowed(cudnnMathType_t math, bool bf16) const {
  if (!bf16 && precision_ != Precision::Tf32) return math == CUDNN_FMA_MATH;
  return math == CUDNN_FMA_MATH || math == CUDNN_DEFAULT_MATH || math == CUDNN_TENSOR_OP_MATH;
}

size_t ConvolutionPlans::search_limit() const {
  size_t free_bytes = 0, total_bytes = 0;
  NSRG_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
  return std::min(kMaxConvolutionWorkspace, free_bytes / 4);
}

ConvolutionPlans::Plan& ConvolutionPlans::plan_for(const ConvGeometry& g, const Shape& input,
                                                   const Shape& output, bool bf16) {
  const Key key{g.in_channels, g.out_channels, g.kernel_h, g.kernel_w, g.stride_h, g.stride_w,
                g.pad_h,       g.pad_w,        input.n,    input.h,    input.w,    int(bf16)};
  auto found = plans_.find(key);
  if (found != plans_.end()) return *found->second;

  const DataLayout layout = bf16 ? DataLayout::Bf16Nhwc : DataLayout::FloatNchw;
  auto plan = std::make_unique<Plan>();
  plan->bf16 = bf16;
  plan->input = create_tensor_descriptor(input.n, input.c, input.h, input.w, layout);
  plan->output = create_tensor_descriptor(output.n, output.c, output.h, output.w, layout);
  plan->filter =
      create_filter_descriptor(g.out_channels, g.in_channels, g.kernel_h, g.kernel_w, layout);
  plan->convolution = create_convolution_descriptor(g.pad_h, g.pad_w, g.stride_h, g.stride_w);
  int n = 0, c = 0, h = 0, w = 0;
  NSRG_CUDNN_CHECK(cudnnGetConvolution2dForwardOutputDim(plan->convolution.get(), plan->input.get(),
                                                         plan->filter.get(), &n, &c, &h, &w));
  NSRG_CHECK((Shape{n, c, h, w} == output), "cuDNN output ", Shape{n, c, h, w}.str(),
             " differs from the geometry's ", output.str());
  return *plans_.emplace(key, std::move(plan)).first->second;
}

// The cuDNN calls of the forward direction's search, on the plan's descriptors and the
// operands the candidates are timed on: x and weight in, y out.
struct ConvolutionPlans::ForwardSearch {
  using Perf = cudnnConvolutionFwdAlgoPerf_t;
  cudnnHandle_t cudnn_;
  const Plan& plan;
  const void* x;
  const void* weight;
  void* y;

  // Float32: implicit GEMM runs everywhere, deterministic, with FMA math. bf16 NHWC: the
  // precomputed implicit GEMM, the algorithm cuDNN documents for NHWC half-width data.
  cudnnConvolutionFwdAlgo_t fallback() const {
    return plan.bf16 ? CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM
                     : CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM;
  }
  void max_count(int& capacity) const {
    NSRG_CUDNN_CHECK(cudnnGetConvolutionForwardAlgorithmMaxCount(cudnn_, &capacity));
  }
  void heuristics(int capacity, int& returned, std::vector<Perf>& results) const {
    NSRG_CUDNN_CHECK(cudnnGetConvolutionForwardAlgorithm_v7(
        cudnn_, plan.input.get(), plan.filter.get(), plan.convolution.get(), plan.output.get(),
        capacity, &returned, results.data()));
  }
  void find(int capacity, int& returned, std::vector<Perf>& results, DeviceBuffer& search,
            size_t search_bytes) const {
    NSRG_CUDNN_CHECK(cudnnFindConvolutionForwardAlgorithmEx(
        cudnn_, plan.input.get(), x, plan.filter.get(), weight, plan.convolution.get(),
        plan.output.get(), y, capacity, &returned, results.data(), search.data(), search_bytes));
  }
  size_t fallback_workspace() const {
    size_t bytes = 0;
    NSRG_CUDNN_CHECK(cudnnGetConvolutionForwardWorkspaceSize(
        cudnn_, plan.input.get(), plan.filter.get(), plan.convolution.get(), plan.output.get(),
        fallback(), &bytes));
    return bytes;
  }
};

// The cuDNN calls of the backward-data direction's search: weight and dy in, dx out.
struct ConvolutionPlans::BackwardDataSearch {
  using Perf = cudnnConvolutionBwdDataAlgoPerf_t;
  cudnnHandle_t cudnn_;
  const Plan& plan;
  const void* dy;
  const void* weight;
  void* dx;

  // Algorithm 1 is deterministic (algorithm 0 is not), runs with FMA math and takes NHWC
  // half-width data too.
  cudnnConvolutionBwdDataAlgo_t fallback() const { return CUDNN_CONVOLUTION_BWD_DATA_ALGO_1; }
  void max_count(int& capacity) const {
    NSRG_CUDNN_CHECK(cudnnGetConvolutionBackwardDataAlgorithmMaxCount(cudnn_, &capacity));
  }
  void heuristics(int capacity, int& returned, std::vector<Perf>& results) const {
    NSRG_CUDNN_CHECK(cudnnGetConvolutionBackwardDataAlgorithm_v7(
        cudnn_, plan.filter.get(), plan.output.get(), plan.convolution.get(), plan.input.get(),
        capacity, &returned, results.data()));
  }
  void find(int capacity, int& returned, std::vector<Perf>& results, DeviceBuffer& search,
            size_t search_bytes) const {
    NSRG_CUDNN_CHECK(cudnnFindConvolutionBackwardDataAlgorithmEx(
        cudnn_, plan.filter.get(), weight, plan.output.get(), dy, plan.convolution.get(),
        plan.input.get(), dx, capacity, &returned, results.data(), search.data(), search_bytes));
  }
  size_t fallback_workspace() const {
    size_t bytes = 0;
    NSRG_CUDNN_CHECK(cudnnGetConvolutionBackwardDataWorkspaceSize(
        cudnn_, plan.filter.get(), plan.output.get(), plan.convolution.get(), plan.input.get(),
        fallback(), &bytes));
    return bytes;
  }
};

template <typename Search>
ConvolutionPlans::Choice ConvolutionPlans::choose(const Plan& plan, const Search& direction) {
  const cudnnMathType_t requested = requested_math(plan.bf16);
  NSRG_CUDNN_CHECK(cudnnSetConvolutionMathType(plan.convolution.get(), requested));
  if (!search_)
    return Choice{true, int(direction.fallback()), direction.fallback_workspace(), requested};
  int capacity = 0, returned = 0;
  direction.max_count(capacity);
  std::vector<typename Search::Perf> results(size_t(std::max(capacity, 1)));
  direction.heuristics(capacity, returned, results);
  const size_t search_bytes = largest_candidate_workspace(results, returned, search_limit());
  {
    DeviceBuffer search(pool_, search_bytes);
    direction.find(capacity, returned, results, search, search_bytes);
    // The search may try candidates that fail inside cuDNN (e.g. out of memory) and leave a
    // non-sticky runtime error behind; clear it so the next launch check does not report it.
    (void)cudaGetLastError();
  }
  const auto allowed = [this, &plan](cudnnMathType_t m) { return math_allowed(m, plan.bf16); };
  if (const auto* best = fastest_acceptable(results, returned, search_bytes, allowed))
    return Choice{true, int(best->algo), best->memory, best->mathType};
  return Choice{true, int(direction.fallback()), direction.fallback_workspace(), requested};
}

void ConvolutionPlans::prepare(const Plan& plan, const Choice& choice) {
  workspace_.reserve(pool_, choice.workspace);
  NSRG_CUDNN_CHECK(cudnnSetConvolutionMathType(plan.convolution.get(), choice.math));
}

void ConvolutionPlans::run_forward(Plan& plan, const void* x, const void* weight, void* y) {
  if (!plan.forward.chosen) plan.forward = choose(plan, ForwardSearch{cudnn_, plan, x, weight, y});
  prepare(plan, plan.forward);
  const float one = 1.0f, zero = 0.0f;
  NSRG_CUDNN_CHECK(cudnnConvolutionForward(
      cudnn_, &one, plan.input.get(), x, plan.filter.get(), weight, plan.convolution.get(),
      cudnnConvolutionFwdAlgo_t(plan.forward.algorithm), workspace_.data(), workspace_.bytes(),
      &zero, plan.output.get(), y));
}

void ConvolutionPlans::run_backward_data(Plan& plan, const void* dy, const void* weight, void* dx) {
  if (!plan.backward_data.chosen)
    plan.backward_data = choose(plan, BackwardDataSearch{cudnn_, plan, dy, weight, dx});
  prepare(plan, plan.backward_data);
  const float one = 1.0f, zero = 0.0f;
  NSRG_CUDNN_CHECK(cudnnConvolutionBackwardData(
      cudnn_, &one, plan.filter.get(), weight, plan.output.get(), dy, plan.convolution.get(),
      cudnnConvolutionBwdDataAlgo_t(plan.backward_data.algorithm), workspace_.data(),
      workspace_.bytes(), &zero, plan.input.get(), dx));
}

void ConvolutionPlans::forward(const ConvGeometry& geometry, const Tensor& x, const Tensor& weight,
                               Tensor& y) {
  const Shape out = geometry.output_shape(x.shape());
  NSRG_CHECK(weight.shape() == geometry.weight_shape(), "conv weight ", weight.shape().str(),
             " expected ", geometry.weight_shape().str());
  NSRG_CHECK(y.shape() == out, "conv output ", y.shape().str(), " expected ", out.str());
  run_forward(plan_for(geometry, x.shape(), out, false), x.data(), weight.data(), y.data());
}

void ConvolutionPlans::backward_data(const ConvGeometry& geometry, const Tensor& dy,
                                     const Tensor& weight, Tensor& dx) {
  const Shape out = geometry.output_shape(dx.shape());
  NSRG_CHECK(weight.shape() == geometry.weight_shape(), "conv weight ", weight.shape().str(),
             " expected ", geometry.weight_shape().str());
  NSRG_CHECK(dy.shape() == out, "conv output gradient ", dy.shape().str(), " expected ", out.str());
  run_backward_data(plan_for(geometry, dx.shape(), out, false), dy.data(), weight.data(),
                    dx.data());
}

void ConvolutionPlans::forward_bf16(const ConvGeometry& geometry, const Shape& input,
                                    const uint16_t* x, const uint16_t* weight, uint16_t* y) {
  NSRG_CHECK(input.n == 1 && input.c == geometry.in_channels, "bf16 conv input ", input.str(),
             " for ", geometry.in_channels, " channels (batch 1)");
  run_forward(plan_for(geometry, input, geometry.output_shape(input), true), x, weight, y);
}

void ConvolutionPlans::backward_data_bf16(const ConvGeometry& geometry, const Shape& input,
                                          const uint16_t* dy, const uint16_t* weight,
                                          uint16_t* dx) {
  NSRG_CHECK(input.n == 1 && input.c == geometry.in_channels, "bf16 conv input ", input.str(),
             " for ", geometry.in_channels, " channels (batch 1)");
  run_backward_data(plan_for(geometry, input, geometry.output_shape(input), true), dy, weight, dx);
}

const uint16_t* ConvolutionPlans::bf16_weights(const Tensor& weight) {
  auto found = bf16_weights_.find(weight.data());
  if (found != bf16_weights_.end()) return found->second.as<uint16_t>();
  const Shape& s = weight.shape();
  DeviceBuffer converted(pool_, weight.numel() * sizeof(uint16_t));
  kernels::launch_weights_to_bf16_krsc(weight.data(), converted.as<uint16_t>(), size_t(s.n),
                                       size_t(s.c), size_t(s.h) * size_t(s.w), pool_.stream());
  return bf16_weights_.emplace(weight.data(), std::move(converted)).first->second.as<uint16_t>();
}

void ConvolutionPlans::forget_weights(const float* data) noexcept {
  bf16_weights_.erase(data);
}

}  // namespace nsrg
