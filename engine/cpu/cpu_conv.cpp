// CPU convolutions on oneDNN: forward (inference propagation, with bias) and backward-data.
//
// Tensors stay plain NCHW at the Backend interface. oneDNN picks its own (blocked) layouts
// for activations and weights (format_tag::any); activations are reordered at the edges of
// each call through staging buffers, weights once per weight tensor (cached, CpuConvState).
// Layers with fewer than 8 input channels take the im2col + SGEMM path (cpu_conv_gemm.h),
// in float32 at every precision; with "bf16" its sums (conv + bias) are rounded once into a
// bf16 NHWC output like every other forward convolution's, and its backward-data reads a
// float32 NHWC gradient as it is (mixed and bf16).
// Precision "mixed" and "bf16": backward-data takes bf16 gradients and weights (the edge
// reorders convert; weights once, cached) and writes float32. "bf16": forward reads bf16 NHWC
// activations (a float32 input is converted into the staging buffer) and writes its output
// as bf16 NHWC into the output Tensor's own storage (cpu_bf16_layout.h).
#include <algorithm>
#include <cstdlib>
#include <new>

#include "engine/core/error.h"
#include "engine/cpu/cpu_backend_impl.h"
#include "engine/cpu/cpu_conv_gemm.h"
#include "engine/cpu/cpu_conv_state.h"
#include "engine/cpu/cpu_gemm.h"

namespace nsrg {

namespace {
using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

constexpr int kForward = 0;
constexpr int kBackwardData = 1;

memory::dims nchw_dims(const Shape& shape) {
  return {shape.n, shape.c, shape.h, shape.w};
}

memory::desc plain_desc(const Shape& shape) {
  return {nchw_dims(shape), dt::f32, tag::nchw};
}

memory::desc any_desc(const Shape& shape, dt type = dt::f32) {
  return {nchw_dims(shape), type, tag::any};
}

memory::desc bf16_nhwc_desc(const Shape& shape) {
  return {nchw_dims(shape), dt::bf16, tag::nhwc};
}

bool bf16_backward(Precision precision) {
  return precision == Precision::Mixed || precision == Precision::Bf16;
}

// Fills an edge: the plain layout, the primitive's choice and, when they differ, the reorder
// (`to_chosen`: plain -> chosen, else chosen -> plain).
CpuConvEdge make_edge(const dnnl::engine& engine, const memory::desc& plain,
                      const memory::desc& chosen, bool to_chosen) {
  CpuConvEdge edge;
  edge.plain = plain;
  edge.chosen = chosen;
  edge.needs_reorder = plain != chosen;
  if (edge.needs_reorder) {
    const memory::desc& from = to_chosen ? plain : chosen;
    const memory::desc& to = to_chosen ? chosen : plain;
    edge.reorder = dnnl::reorder(dnnl::reorder::primitive_desc(engine, from, engine, to));
  }
  return edge;
}

memory::dims strides_of(const ConvGeometry& g) {
  return {g.stride_h, g.stride_w};
}
memory::dims padding_of(const ConvGeometry& g) {
  return {g.pad_h, g.pad_w};
}

memory::desc weights_any(const ConvGeometry& g, dt type) {
  return {{g.out_channels, g.in_channels, g.kernel_h, g.kernel_w}, type, tag::any};
}

// The forward convolution with activations `src` and `dst` (float32 or bf16, any layout or a
// fixed one) and weights of `weight_type`; with `relu`, ReLU as a post-op on the float32 sums
// before the output's rounding.
dnnl::convolution_forward::primitive_desc forward_descriptor(
    const dnnl::engine& engine, dnnl::prop_kind propagation, const ConvGeometry& g,
    const memory::desc& src, const memory::desc& dst, dt weight_type, bool relu = false) {
  const dnnl::convolution_forward::desc desc(propagation, dnnl::algorithm::convolution_direct, src,
                                             weights_any(g, weight_type),
                                             memory::desc({g.out_channels}, dt::f32, tag::x), dst,
                                             strides_of(g), padding_of(g), padding_of(g));
  dnnl::primitive_attr attributes;
  if (relu) {
    dnnl::post_ops post_ops;
    post_ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
    attributes.set_post_ops(post_ops);
  }
  return dnnl::convolution_forward::primitive_desc(desc, attributes, engine);
}

// Float32 plans: oneDNN chooses the activation layouts, reordered at the edges. bf16 plans:
// bf16 NHWC activations on both sides, no edge reorders (the caller converts a float32 input),
// with the ReLU post-op when `relu` is set.
std::unique_ptr<CpuConvPlan> make_forward_plan(const dnnl::engine& engine, Precision precision,
                                               const ConvGeometry& g, const Shape& input,
                                               bool relu) {
  const Shape output = g.output_shape(input);
  const bool bf16 = precision == Precision::Bf16;
  const auto pd =
      bf16 ? forward_descriptor(engine, dnnl::prop_kind::forward_inference, g,
                                bf16_nhwc_desc(input), bf16_nhwc_desc(output), dt::bf16, relu)
           : forward_descriptor(engine, dnnl::prop_kind::forward_inference, g, any_desc(input),
                                any_desc(output), dt::f32);
  auto plan = std::make_unique<CpuConvPlan>();
  plan->primitive = dnnl::convolution_forward(pd);
  const memory::desc input_side = bf16 ? pd.src_desc() : plain_desc(input);
  const memory::desc output_side = bf16 ? pd.dst_desc() : plain_desc(output);
  plan->input = make_edge(engine, input_side, pd.src_desc(), true);
  plan->output = make_edge(engine, output_side, pd.dst_desc(), false);
  plan->plain_weights = memory::desc(nchw_dims(g.weight_shape()), dt::f32, tag::oihw);
  plan->chosen_weights = pd.weights_desc();
  plan->bias = memory::desc({g.out_channels}, dt::f32, tag::x);
  return plan;
}

// Gradients and weights in bf16 for "mixed" and "bf16" (the float32 gradient reordered into
// oneDNN's bf16 layout, the result written as float32 in oneDNN's layout and reordered to
// NCHW), else float32.
std::unique_ptr<CpuConvPlan> make_backward_data_plan(const dnnl::engine& engine,
                                                     Precision precision, const ConvGeometry& g,
                                                     const Shape& input) {
  const Shape output = g.output_shape(input);
  const bool bf16 = bf16_backward(precision);
  const dt type = bf16 ? dt::bf16 : dt::f32;
  const auto hint = forward_descriptor(engine, dnnl::prop_kind::forward_training, g,
                                       any_desc(input, type), any_desc(output, type), type);
  const memory::desc gradient_in = bf16 ? bf16_nhwc_desc(output) : any_desc(output);
  const memory::desc gradient_out =
      bf16 ? memory::desc(nchw_dims(input), dt::f32, tag::nhwc) : any_desc(input);
  const dnnl::convolution_backward_data::desc desc(dnnl::algorithm::convolution_direct,
                                                   gradient_out, weights_any(g, type), gradient_in,
                                                   strides_of(g), padding_of(g), padding_of(g));
  const dnnl::convolution_backward_data::primitive_desc pd(desc, engine, hint);
  auto plan = std::make_unique<CpuConvPlan>();
  plan->primitive = dnnl::convolution_backward_data(pd);
  plan->input =
      make_edge(engine, bf16 ? pd.diff_dst_desc() : plain_desc(output), pd.diff_dst_desc(), true);
  plan->output =
      make_edge(engine, bf16 ? pd.diff_src_desc() : plain_desc(input), pd.diff_src_desc(), false);
  plan->plain_weights = memory::desc(nchw_dims(g.weight_shape()), dt::f32, tag::oihw);
  plan->chosen_weights = pd.weights_desc();
  return plan;
}

// A oneDNN memory over a Tensor's storage (the tensor is only read when `data` is an input).
memory wrap(const memory::desc& desc, const dnnl::engine& engine, const float* data) {
  return memory(desc, engine, const_cast<float*>(data));
}

// The input in the primitive's layout: the tensor itself or a reordered staged copy.
memory stage_input(CpuConvState& state, const CpuConvEdge& edge, const float* data) {
  memory plain = wrap(edge.plain, state.engine, data);
  if (!edge.needs_reorder) return plain;
  memory staged(edge.chosen, state.engine, state.staging(0, edge.chosen.get_size()));
  edge.reorder.execute(state.stream, plain, staged);
  return staged;
}

// Where the primitive writes its output: the tensor itself or the output staging buffer.
memory output_target(CpuConvState& state, const CpuConvEdge& edge, float* data) {
  if (!edge.needs_reorder) return wrap(edge.plain, state.engine, data);
  return memory(edge.chosen, state.engine, state.staging(1, edge.chosen.get_size()));
}

// Reorders a staged output into the tensor and waits for the stream.
void finish_output(CpuConvState& state, const CpuConvEdge& edge, memory& target, float* data) {
  if (edge.needs_reorder) {
    memory plain = wrap(edge.plain, state.engine, data);
    edge.reorder.execute(state.stream, target, plain);
  }
  state.stream.wait();
}

// Runs a oneDNN call sequence, turning a dnnl::error into an InternalError naming the op.
template <typename Body>
void with_dnnl_errors(const char* operation, const ConvGeometry& g, const Shape& input, Body body) {
  try {
    body();
  } catch (const dnnl::error& e) {
    throw InternalError(msg("oneDNN ", operation, " (", g.in_channels, "->", g.out_channels,
                            " kernel ", g.kernel_h, "x", g.kernel_w, ", input ", input.str(),
                            ") failed: ", e.what(), " (status ", int(e.status), ")"));
  }
}

void check_conv_shapes(const ConvGeometry& g, const Shape& input, const Shape& output,
                       const Tensor& weight) {
  NSRG_CHECK(g.output_shape(input) == output, "conv output ", output.str(), " for input ",
             input.str(), ", expected ", g.output_shape(input).str());
  NSRG_CHECK(weight.shape() == g.weight_shape(), "conv weight ", weight.shape().str(),
             ", expected ", g.weight_shape().str());
  NSRG_CHECK(input.n == 1, "conv expects batch 1, got ", input.str());
}
}  // namespace

CpuConvState::CpuConvState(Precision precision_)
    : precision(precision_), engine(dnnl::engine::kind::cpu, 0), stream(engine) {}

CpuConvPlan& CpuConvState::plan(int direction, const ConvGeometry& g, const Shape& input,
                                bool relu) {
  const std::array<int, 14> key{direction,  g.in_channels, g.out_channels, g.kernel_h,  g.kernel_w,
                                g.stride_h, g.stride_w,    g.pad_h,        g.pad_w,     input.n,
                                input.c,    input.h,       input.w,        relu ? 1 : 0};
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = plans_.find(key);
  if (found != plans_.end()) return *found->second;
  auto plan = direction == kForward ? make_forward_plan(engine, precision, g, input, relu)
                                    : make_backward_data_plan(engine, precision, g, input);
  return *plans_.emplace(key, std::move(plan)).first->second;
}

memory CpuConvState::weights_for(const CpuConvPlan& plan, const float* weights) {
  memory plain = wrap(plan.plain_weights, engine, weights);
  if (plan.plain_weights == plan.chosen_weights) return plain;
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<CachedWeights>& cached = weights_[weights];
  for (const CachedWeights& entry : cached)
    if (entry.format == plan.chosen_weights) return entry.memory;
  memory reordered(plan.chosen_weights, engine);
  dnnl::reorder(plain, reordered).execute(stream, plain, reordered);
  stream.wait();
  cached.push_back({plan.chosen_weights, reordered});
  return reordered;
}

void CpuConvState::FreeDeleter::operator()(float* data) const noexcept {
  std::free(data);
}

float* CpuConvState::staging(int slot, size_t bytes) {
  NSRG_CHECK(slot == 0 || slot == 1, "staging slot ", slot);
  if (staging_bytes_[slot] < bytes) {
    const size_t rounded = (bytes + 63) / 64 * 64;
    staging_[slot].reset();
    void* data = std::aligned_alloc(64, rounded);
    if (data == nullptr) throw std::bad_alloc();
    staging_[slot].reset(static_cast<float*>(data));
    staging_bytes_[slot] = rounded;
  }
  return staging_[slot].get();
}

void CpuConvState::forget_weights(const float* data) noexcept {
  try {
    std::lock_guard<std::mutex> lock(mutex_);
    weights_.erase(data);
  } catch (...) {
    // A failed lock leaves a stale entry; nothing better can be done in a noexcept path.
  }
}

void CpuBackend::conv_forward(const ConvGeometry& geometry, const Tensor& x, const Tensor& weight,
                              const Tensor& bias, Tensor& y) {
  check_conv_shapes(geometry, x.shape(), y.shape(), weight);
  NSRG_CHECK(bias.numel() == size_t(geometry.out_channels), "conv bias ", bias.shape().str());
  use_threads();
  if (cpu::use_gemm_conv(geometry) && precision_ == Precision::Bf16) {
    bf16_gemm_conv_forward(geometry, x, weight, bias, y);
    return;
  }
  if (cpu::use_gemm_conv(geometry)) {
    cpu::gemm_conv_forward(geometry, x.shape(), float_values(x), weight.data(), bias.data(),
                           float_output(y), conv_->gemm_columns, threads_);
    return;
  }
  if (precision_ == Precision::Bf16) {
    bf16_conv_forward(geometry, x, weight, bias, y, false);
    return;
  }
  with_dnnl_errors("convolution forward", geometry, x.shape(), [&] {
    CpuConvPlan& plan = conv_->plan(kForward, geometry, x.shape());
    memory src = stage_input(*conv_, plan.input, float_values(x));
    memory dst = output_target(*conv_, plan.output, float_output(y));
    plan.primitive.execute(conv_->stream,
                           {{DNNL_ARG_SRC, src},
                            {DNNL_ARG_WEIGHTS, conv_->weights_for(plan, weight.data())},
                            {DNNL_ARG_BIAS, wrap(plan.bias, conv_->engine, bias.data())},
                            {DNNL_ARG_DST, dst}});
    finish_output(*conv_, plan.output, dst, y.data());
  });
}

void CpuBackend::conv_backward_data(const ConvGeometry& geometry, const Tensor& dy,
                                    const Tensor& weight, Tensor& dx) {
  check_conv_shapes(geometry, dx.shape(), dy.shape(), weight);
  use_threads();
  if (cpu::use_gemm_conv(geometry)) {
    // A float32 NHWC gradient (mixed and bf16) is read as it is, without a conversion.
    const bool channels_last = holds_nhwc(dy);
    const float* gradient = channels_last ? dy.data() : float_values(dy);
    cpu::gemm_conv_backward_data(geometry, dx.shape(), gradient, channels_last, weight.data(),
                                 float_output(dx), conv_->gemm_columns, threads_);
    return;
  }
  if (bf16_backward(precision_)) {
    bf16_conv_backward_data(geometry, dy, weight, dx);
    return;
  }
  with_dnnl_errors("convolution backward-data", geometry, dx.shape(), [&] {
    CpuConvPlan& plan = conv_->plan(kBackwardData, geometry, dx.shape());
    memory diff_dst = stage_input(*conv_, plan.input, float_values(dy));
    memory diff_src = output_target(*conv_, plan.output, float_output(dx));
    plan.primitive.execute(conv_->stream,
                           {{DNNL_ARG_DIFF_DST, diff_dst},
                            {DNNL_ARG_WEIGHTS, conv_->weights_for(plan, weight.data())},
                            {DNNL_ARG_DIFF_SRC, diff_src}});
    finish_output(*conv_, plan.output, diff_src, dx.data());
  });
}

void CpuBackend::conv_relu_forward(const ConvGeometry& geometry, const Tensor& x,
                                   const Tensor& weight, const Tensor& bias, Tensor& y) {
  if (precision_ != Precision::Bf16 || cpu::use_gemm_conv(geometry)) {
    Backend::conv_relu_forward(geometry, x, weight, bias, y);
    return;
  }
  check_conv_shapes(geometry, x.shape(), y.shape(), weight);
  NSRG_CHECK(bias.numel() == size_t(geometry.out_channels), "conv bias ", bias.shape().str());
  use_threads();
  bf16_conv_forward(geometry, x, weight, bias, y, true);
}

void CpuBackend::bf16_conv_forward(const ConvGeometry& geometry, const Tensor& x,
                                   const Tensor& weight, const Tensor& bias, Tensor& y, bool relu) {
  const Shape output = geometry.output_shape(x.shape());
  with_dnnl_errors("bf16 convolution forward", geometry, x.shape(), [&] {
    CpuConvPlan& plan = conv_->plan(kForward, geometry, x.shape(), relu);
    const void* source = x.data();
    if (!holds_bf16(x)) {
      uint16_t* staged =
          reinterpret_cast<uint16_t*>(conv_->staging(0, x.numel() * sizeof(uint16_t)));
      cpu::nchw_to_bf16_nhwc(x.shape(), x.data(), staged, threads_);
      source = staged;
    }
    NSRG_CHECK(plan.output.chosen.get_size() <= y.bytes(), "bf16 conv output of ",
               plan.output.chosen.get_size(), " bytes in a tensor of ", y.bytes());
    memory src = wrap(plan.input.chosen, conv_->engine, static_cast<const float*>(source));
    memory dst = wrap(plan.output.chosen, conv_->engine, y.data());
    plan.primitive.execute(conv_->stream,
                           {{DNNL_ARG_SRC, src},
                            {DNNL_ARG_WEIGHTS, conv_->weights_for(plan, weight.data())},
                            {DNNL_ARG_BIAS, wrap(plan.bias, conv_->engine, bias.data())},
                            {DNNL_ARG_DST, dst}});
    conv_->stream.wait();
  });
  layouts_.mark(y.data(), output, cpu::PrivateLayout::Bf16Nhwc);
}

void CpuBackend::bf16_gemm_conv_forward(const ConvGeometry& geometry, const Tensor& x,
                                        const Tensor& weight, const Tensor& bias, Tensor& y) {
  const Shape output = geometry.output_shape(x.shape());
  float* sums = conv_->staging(1, output.numel() * sizeof(float));
  cpu::gemm_conv_forward(geometry, x.shape(), float_values(x), weight.data(), bias.data(), sums,
                         conv_->gemm_columns, threads_);
  cpu::nchw_to_bf16_nhwc(output, sums, reinterpret_cast<uint16_t*>(y.data()), threads_);
  layouts_.mark(y.data(), output, cpu::PrivateLayout::Bf16Nhwc);
}

void CpuBackend::bf16_conv_backward_data(const ConvGeometry& geometry, const Tensor& dy,
                                         const Tensor& weight, Tensor& dx) {
  with_dnnl_errors("bf16 convolution backward-data", geometry, dx.shape(), [&] {
    CpuConvPlan& plan = conv_->plan(kBackwardData, geometry, dx.shape());
    uint16_t* staged =
        reinterpret_cast<uint16_t*>(conv_->staging(0, dy.numel() * sizeof(uint16_t)));
    if (holds_nhwc(dy))
      cpu::f32_to_bf16(dy.numel(), dy.data(), staged, threads_);
    else
      cpu::nchw_to_bf16_nhwc(dy.shape(), float_values(dy), staged, threads_);
    NSRG_CHECK(plan.output.chosen.get_size() <= dx.bytes(), "bf16 backward-data output of ",
               plan.output.chosen.get_size(), " bytes in a tensor of ", dx.bytes());
    memory diff_dst = wrap(plan.input.chosen, conv_->engine, reinterpret_cast<float*>(staged));
    memory diff_src = wrap(plan.output.chosen, conv_->engine, dx.data());
    plan.primitive.execute(conv_->stream,
                           {{DNNL_ARG_DIFF_DST, diff_dst},
                            {DNNL_ARG_WEIGHTS, conv_->weights_for(plan, weight.data())},
                            {DNNL_ARG_DIFF_SRC, diff_src}});
    conv_->stream.wait();
  });
  layouts_.mark(dx.data(), dx.shape(), cpu::PrivateLayout::F32Nhwc);
}

// What CpuConvState holds beside Tensors at most: the two staging buffers (taken as the
// largest plain input or output of any convolution; blocked layouts pad little at VGG's
// channel counts), the im2col columns of the few-channel path, and every weight tensor
// once more in oneDNN's chosen layout (bf16 weights take half of that); with mixed and bf16
// the private layouts' scratch copy, with bf16 the bf16 Grams' partials and scratchpads, and
// with mixed the bf16 weights beside the float32.
size_t CpuBackend::workspace_bytes(const std::vector<ConvCall>& convs, size_t weight_bytes) const {
  size_t largest_activation = 0, columns = 0;
  for (const ConvCall& call : convs) {
    const Shape output = call.geometry.output_shape(call.input);
    largest_activation = std::max(
        {largest_activation, call.input.numel() * sizeof(float), output.numel() * sizeof(float)});
    if (cpu::use_gemm_conv(call.geometry))
      columns = std::max(columns,
                         cpu::gemm_conv_column_floats(call.geometry, call.input) * sizeof(float));
  }
  // mixed and bf16: the scratch copy float_values converts a private layout from (one
  // activation at most); bf16 also the bf16 Grams' K-partials (at most kGemmPartialFloats)
  // and their matmuls' scratchpads (under 1 MiB per thread, cpu_bf16_gemm.h); mixed keeps a
  // bf16 copy of the weights (half their bytes) beside the float32 one of the forward pass.
  const size_t layout_scratch = precision_ == Precision::Fp32 ? 0 : largest_activation;
  const size_t bf16_gram_scratch =
      precision_ == Precision::Bf16
          ? size_t(cpu::kGemmPartialFloats) * sizeof(float) + size_t(threads_) * (size_t(1) << 20)
          : 0;
  const size_t bf16_weights = precision_ == Precision::Mixed ? weight_bytes / 2 : 0;
  return 2 * largest_activation + columns + weight_bytes + layout_scratch + bf16_gram_scratch +
         bf16_weights;
}

}  // namespace nsrg
