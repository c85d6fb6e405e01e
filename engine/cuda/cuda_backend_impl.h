// CudaBackend: the CUDA implementation of Backend, shared by the engine/cuda/*.cpp files.
//
// Everything runs in order on one stream; device memory comes from a stream-ordered pool
// (cuda_memory.h); reductions write device scalars, and only upload, download, read_scalar,
// synchronize and symmetric_eigen (which checks the solver's status) wait for the device.
// Files: cuda_backend.cpp (factory, identity, memory), cuda_layer_ops.cpp (convolution, ReLU,
// pooling), cuda_bf16_layer_ops.cpp (their bf16 forms), cuda_gram_ops.cpp, cuda_loss_ops.cpp,
// cuda_vector_ops.cpp, cuda_optim_ops.cpp, cuda_randomize_ops.cpp,
// cuda_matrix_function_ops.cpp.
// With precision "bf16" the outputs of conv_forward, relu_forward and pool_forward hold bf16
// NHWC activations (cuda_bf16_layout.h) until an operation reads them as float32: every
// operation reads its inputs through float_values(), which converts such a Tensor back in
// place the first time, and writes its float32 outputs through float_output(). With "mixed"
// and "bf16" the backward-data convolutions run in bf16. Convolutions with fewer than
// kBf16MinChannels input channels stay float32 in every precision, as on the CPU.
#pragma once

#include <memory>
#include <string>

#include "engine/core/backend.h"
#include "engine/cuda/cuda_backend.h"
#include "engine/cuda/cuda_bf16_layout.h"
#include "engine/cuda/cuda_convolution.h"
#include "engine/cuda/cuda_memory.h"
#include "engine/cuda/cuda_resources.h"
#include "kernels/elementwise.cuh"
#include "kernels/pooling.cuh"
#include "kernels/reduction.cuh"

namespace nsrg {

class CudaBackend final : public Backend {
 public:
  CudaBackend(int device, const BackendOptions& options, const CudaTestOverrides& overrides);
  ~CudaBackend() override;
  CudaBackend(const CudaBackend&) = delete;
  CudaBackend& operator=(const CudaBackend&) = delete;

  // ---- identity ------------------------------------------------------------------------
  BackendKind kind() const override { return BackendKind::Cuda; }
  std::string description() const override { return description_; }

  // ---- memory --------------------------------------------------------------------------
  Tensor empty(const Shape& shape) override;
  void release(float* data) noexcept override;
  void upload(const float* host, Tensor& dst) override;
  void download(const Tensor& src, float* host) override;
  void copy(const Tensor& src, Tensor& dst) override;
  void fill(Tensor& dst, float value) override;
  float read_scalar(const Tensor& scalars, int index) override;
  void synchronize() override;
  size_t available_memory_bytes() const override;
  size_t workspace_bytes(const std::vector<ConvCall>& convs, size_t weight_bytes) const override;
  size_t peak_memory_bytes() const override { return pool_->peak_tensor_bytes(); }
  double time_ms(const std::function<void()>& work) override;

  // ---- network layers ------------------------------------------------------------------
  void conv_forward(const ConvGeometry& geometry, const Tensor& x, const Tensor& weight,
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

  // ---- optimizer ops (cuda_optim_ops.cpp) ------------------------------------------------
  void scalar_op(ScalarOp op, Coef a, Coef b, ScalarSlot out) override;
  void scalar_select(Coef condition, Coef if_nonzero, Coef if_zero, ScalarSlot out) override;
  void add_product(Coef alpha, const Tensor& a, const Tensor& b, Tensor& y) override;
  void add_quotient(Coef alpha, const Tensor& a, const Tensor& b, Tensor& y) override;
  void sqrt_plus(const Tensor& x, float addend, Tensor& y) override;
  void ring_store(const Tensor& x, Tensor& ring, RingRow row) override;
  void ring_dot(const Tensor& ring, RingRow row, const Tensor& x, const Tensor* row_scales,
                ScalarSlot out) override;
  void ring_axpy(Coef alpha, const Tensor& ring, RingRow row, Tensor& y) override;

  // ---- randomization ops (cuda_randomize_ops.cpp) ----------------------------------------
  void symmetric_eigen(const Tensor& matrix, Tensor& eigenvalues, Tensor& eigenvectors) override;
  void randomize_gram(const Tensor& gram, const Tensor& eigenvalues, const Tensor& eigenvectors,
                      const GramRandomization& params, Tensor& target) override;
  // ---- functions of symmetric matrices (cuda_matrix_function_ops.cpp) ----
  void symmetric_function(const Tensor& matrix, MatrixFunction function, Tensor& out) override;
  void symmetric_sandwich(const Tensor& outer, const Tensor& inner, Tensor& out) override;

  // ---- helpers for the implementation files --------------------------------------------
  cudaStream_t stream() const { return stream_.get(); }
  DevicePool& pool() { return *pool_; }
  // The device pointer of a slot (checked).
  static float* slot_pointer(ScalarSlot slot);
  // A coefficient as kernels read it (its scalar stays on the device; checked).
  static kernels::DeviceCoef device_coef(const Coef& coef);
  kernels::ReduceScratch reduce_scratch() const;
  // Waits for the stream and returns the device int (setup-time status checks only).
  int read_flag(const int* device_flag);
  // Two doubles of device scratch for results that feed a later kernel (norms, totals).
  double* scalar_scratch() const;
  // The Tensor's float32 NCHW values: a bf16 activation is converted back in place first
  // (exactly: bf16 widens to float32 without rounding).
  const float* float_values(const Tensor& tensor);
  // The storage of an output written as float32 NCHW (drops any bf16 entry).
  float* float_output(Tensor& tensor);
  // syevd of the widened column-major double copy of the [1,1,C,C] `matrix`: `vectors` (C*C
  // doubles, column-major, column j = eigenvector j) and `values` (C doubles, ascending).
  // Waits to check the input (InternalError naming `op` for a non-finite entry) and the
  // solver's status (setup-time use only).
  void decompose_symmetric(const Tensor& matrix, int channels, DeviceBuffer& vectors,
                           DeviceBuffer& values, const char* op);

 private:
  // The bf16 forms of the layer ops (cuda_bf16_layer_ops.cpp).
  bool bf16_forward(const ConvGeometry& geometry) const;
  bool bf16_backward(const ConvGeometry& geometry) const;
  void conv_forward_bf16(const ConvGeometry& geometry, const Tensor& x, const Tensor& weight,
                         const Tensor& bias, Tensor& y);
  void conv_backward_data_bf16(const ConvGeometry& geometry, const Tensor& dy, const Tensor& weight,
                               Tensor& dx);
  void relu_forward_bf16(const Tensor& x, Tensor& y);
  void relu_backward_bf16(const Tensor& y, const Tensor& dy, Tensor& dx);
  void pool_forward_bf16(const PoolGeometry& geometry, const Tensor& x, Tensor& y);
  void max_pool_backward_bf16(const kernels::PoolShape& shape, const Tensor& x, const Tensor& y,
                              const Tensor& dy, Tensor& dx);
  // A written Tensor's storage: drops its bf16 weights and its layout entry.
  void forget_storage(const float* data) noexcept;

  int device_ = 0;
  Precision precision_ = Precision::Fp32;
  std::string description_;
  // Declaration order is destruction order in reverse: buffers and plans go before the
  // pool, the pool and the handles before the stream.
  Stream stream_;
  std::unique_ptr<DevicePool> pool_;
  DeviceBuffer cublas_workspace_;  // from the pool, so cuBLAS allocates nothing of its own
  CudnnHandle cudnn_;
  CublasHandle cublas_;
  CusolverHandle cusolver_;
  std::unique_ptr<ConvolutionPlans> convolutions_;
  DeviceBuffer reduce_partials_;  // kernels::kReducePartials doubles + 2 scalar doubles
  Bf16LayoutTable bf16_layouts_;
};

// Convolutions with fewer input channels (the first layer's 3) stay float32 in every
// precision: bf16 tensor-core kernels want a channel count divisible by 8, and the CPU
// backend keeps them float32 too.
constexpr int kBf16MinChannels = 8;

}  // namespace nsrg
