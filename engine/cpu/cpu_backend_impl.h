// CpuBackend: the CPU implementation of Backend, shared by the engine/cpu/*.cpp files.
//
// Each group of operations lives in its own file (cpu_backend.cpp: identity and memory;
// cpu_conv.cpp: oneDNN convolutions; cpu_pool.cpp, cpu_activation.cpp, cpu_gram.cpp,
// cpu_loss.cpp, cpu_vector_ops.cpp; cpu_optim_ops.cpp, cpu_randomize_ops.cpp and
// cpu_matrix_function_ops.cpp). Tensor
// data are 64-byte aligned host memory; operations run synchronously on the calling thread
// with OpenMP inside, one call at a time (the backend is not meant for concurrent callers).
// Convolutions cache their weights in oneDNN's layout per weight tensor; writing a weight
// tensor through upload/copy/fill (or releasing it) drops that cache entry, other writes
// to weights are not tracked (weights do not change during a render).
// With precision "bf16" the outputs of conv_forward, relu_forward and pool_forward hold bf16
// NHWC values (cpu_bf16_layout.h) until an operation reads them as float32: float_values()
// converts a Tensor back in place the first time, so every other operation sees float32
// NCHW. With "mixed" and "bf16" the backward-data convolutions run in bf16 (cpu_conv.cpp).
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/backend.h"
#include "engine/core/lbfgs_two_loop.h"
#include "engine/cpu/cpu_bf16_layout.h"

namespace nsrg {

// The oneDNN engine, stream and primitive/weight caches of the convolutions (cpu_conv.cpp).
struct CpuConvState;
namespace cpu {
class Bf16Gemm;
}

class CpuBackend final : public Backend, public LbfgsTwoLoop {
 public:
  explicit CpuBackend(const BackendOptions& options);
  ~CpuBackend() override;
  CpuBackend(const CpuBackend&) = delete;
  CpuBackend& operator=(const CpuBackend&) = delete;

  int threads() const { return threads_; }
  Precision precision() const { return precision_; }

  // ---- identity ------------------------------------------------------------------------
  BackendKind kind() const override { return BackendKind::Cpu; }
  std::string description() const override;

  // ---- memory --------------------------------------------------------------------------
  Tensor empty(const Shape& shape) override;
  void release(float* data) noexcept override;
  void upload(const float* host, Tensor& dst) override;
  void download(const Tensor& src, float* host) override;
  void copy(const Tensor& src, Tensor& dst) override;
  void fill(Tensor& dst, float value) override;
  float read_scalar(const Tensor& scalars, int index) override;
  void synchronize() override {}
  size_t available_memory_bytes() const override;
  size_t workspace_bytes(const std::vector<ConvCall>& convs, size_t weight_bytes) const override;
  size_t peak_memory_bytes() const override { return peak_bytes_.load(); }

  // ---- network layers ------------------------------------------------------------------
  void conv_forward(const ConvGeometry& geometry, const Tensor& x, const Tensor& weight,
                    const Tensor& bias, Tensor& y) override;
  void conv_relu_forward(const ConvGeometry& geometry, const Tensor& x, const Tensor& weight,
                         const Tensor& bias, Tensor& y) override;
  void conv_backward_data(const ConvGeometry& geometry, const Tensor& dy, const Tensor& weight,
                          Tensor& dx) override;
  void relu_forward(const Tensor& x, Tensor& y) override;
  void relu_backward(const Tensor& y, const Tensor& dy, Tensor& dx) override;
  void pool_forward(const PoolGeometry& geometry, const Tensor& x, Tensor& y) override;
  void pool_backward(const PoolGeometry& geometry, const Tensor& x, const Tensor& y,
                     const Tensor& dy, Tensor& dx) override;

  // ---- Gram matrices -------------------------------------------------------------------
  void gram(const Tensor& features, float scale, Tensor& gram) override;
  void gram_backward(const Tensor& features, const Tensor& dgram, float scale,
                     Tensor& dfeatures) override;
  void mask_features(const Tensor& features, const Tensor& mask, Tensor& out) override;

  // ---- losses --------------------------------------------------------------------------
  void mse_loss(const Tensor& x, const Tensor& target, float weight, ScalarSlot loss,
                Tensor& grad) override;
  void add_weighted_gradient(const Tensor& grad, float weight, bool normalize,
                             Tensor& accumulate) override;
  void tv_loss(const Tensor& image, float weight, ScalarSlot loss, Tensor& grad) override;

  // ---- vector and scalar ops -----------------------------------------------------------
  void dot(const Tensor& a, const Tensor& b, ScalarSlot out) override;
  void asum(const Tensor& a, ScalarSlot out) override;
  void axpy(Coef alpha, const Tensor& x, Tensor& y) override;
  void scale(Coef alpha, Tensor& x) override;
  void sum_scalars(const Tensor& scalars, int first, int count, ScalarSlot out) override;

  // ---- windows -------------------------------------------------------------------------
  void copy_window(const Tensor& src, const Window& from, Tensor& dst, int to_y, int to_x,
                   bool accumulate) override;

  // ---- helpers for the implementation files --------------------------------------------
  // Sets the calling thread's OpenMP thread count to this backend's, for oneDNN's
  // convolutions, and OpenBLAS's to 1 (its threaded sums depend on the thread count); own
  // loops pass threads() to their parallel regions.
  void use_threads() const;
  // The value of a coefficient (reads scalars[index] when an array is set).
  static float coef_value(const Coef& coef);
  // Writes a reduction result into a ScalarSlot (checks the slot).
  static void store_scalar(ScalarSlot slot, double value);
  // The Tensor's float32 NCHW values: a Tensor in a private layout (cpu_bf16_layout.h) is
  // converted in place first (its logical contents do not change, so this is const).
  const float* float_values(const Tensor& tensor);
  // The same for a Tensor an operation reads and then overwrites as float32 NCHW.
  float* float_inout(Tensor& tensor) { return const_cast<float*>(float_values(tensor)); }
  // The float32 storage of an output about to be written as float32 NCHW.
  float* float_output(Tensor& tensor);
  // True when `tensor` holds bf16 NHWC activations, or float32 NHWC gradients.
  bool holds_bf16(const Tensor& tensor) const {
    return holds(tensor, cpu::PrivateLayout::Bf16Nhwc);
  }
  bool holds_nhwc(const Tensor& tensor) const { return holds(tensor, cpu::PrivateLayout::F32Nhwc); }

 private:
  // conv_forward with precision "bf16" (cpu_conv.cpp): bf16 NHWC in and out; with `relu`
  // the ReLU runs as oneDNN's post-op on the float32 sums (conv_relu_forward).
  void bf16_conv_forward(const ConvGeometry& geometry, const Tensor& x, const Tensor& weight,
                         const Tensor& bias, Tensor& y, bool relu);
  // conv_forward of the im2col path with precision "bf16": float32 input and arithmetic,
  // the sums rounded once into a bf16 NHWC output.
  void bf16_gemm_conv_forward(const ConvGeometry& geometry, const Tensor& x, const Tensor& weight,
                              const Tensor& bias, Tensor& y);
  // conv_backward_data with precision "mixed" and "bf16": bf16 gradient in (converted from
  // float32 NCHW or NHWC), float32 NHWC out.
  void bf16_conv_backward_data(const ConvGeometry& geometry, const Tensor& dy, const Tensor& weight,
                               Tensor& dx);
  // Converts a Tensor to float32 NHWC in place (from float32 NCHW or any private layout).
  void to_f32_nhwc(const Tensor& tensor);

  int threads_ = 1;
  long gram_tile_depth_ = 0;  // BackendOptions::gram_tile_depth, 0 replaced by the default
  Precision precision_ = Precision::Fp32;
  bool holds(const Tensor& tensor, cpu::PrivateLayout layout) const {
    const cpu::LaidOut* entry = layouts_.find(tensor.data());
    return entry != nullptr && entry->layout == layout;
  }

  cpu::LayoutTable layouts_;
  std::vector<float> layout_scratch_;         // a Tensor's copy while float_values converts it
  std::unique_ptr<cpu::Bf16Gemm> bf16_gemm_;  // the bf16 Grams' products (cpu_gram.cpp)
  std::atomic<size_t> live_bytes_{0};
  std::atomic<size_t> peak_bytes_{0};
  std::unique_ptr<CpuConvState> conv_;

 public:
  // ---- optimizer ops (engine/cpu/cpu_optim_ops.cpp) ----
  void scalar_op(ScalarOp op, Coef a, Coef b, ScalarSlot out) override;
  void scalar_select(Coef condition, Coef if_nonzero, Coef if_zero, ScalarSlot out) override;
  void add_product(Coef alpha, const Tensor& a, const Tensor& b, Tensor& y) override;
  void add_quotient(Coef alpha, const Tensor& a, const Tensor& b, Tensor& y) override;
  void sqrt_plus(const Tensor& x, float addend, Tensor& y) override;
  void ring_store(const Tensor& x, Tensor& ring, RingRow row) override;
  void ring_dot(const Tensor& ring, RingRow row, const Tensor& x, const Tensor* row_scales,
                ScalarSlot out) override;
  void ring_axpy(Coef alpha, const Tensor& ring, RingRow row, Tensor& y) override;
  // ---- the fused L-BFGS two-loop recursion (engine/cpu/cpu_lbfgs_two_loop.cpp) ----
  void lbfgs_two_loop(const LbfgsTwoLoopArgs& args) override;
  // ---- randomization ops (engine/cpu/cpu_randomize_ops.cpp) ----
  void symmetric_eigen(const Tensor& matrix, Tensor& eigenvalues, Tensor& eigenvectors) override;
  void randomize_gram(const Tensor& gram, const Tensor& eigenvalues, const Tensor& eigenvectors,
                      const GramRandomization& params, Tensor& target) override;
  // ---- functions of symmetric matrices (engine/cpu/cpu_matrix_function_ops.cpp) ----
  void symmetric_function(const Tensor& matrix, MatrixFunction function, Tensor& out) override;
  void symmetric_sandwich(const Tensor& outer, const Tensor& inner, Tensor& out) override;
};

}  // namespace nsrg
