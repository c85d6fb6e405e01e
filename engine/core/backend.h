// The Backend interface: memory and every numeric operation the engine needs.
//
// The network, the losses, the style randomization and the optimizers are written once
// against this interface; engine/cpu and engine/cuda implement it. Tensors are float32,
// NCHW, batch 1. Operations are asynchronous with respect to the host on device backends:
// reductions write device-resident scalars (ScalarSlot), and the host reads one only with
// read_scalar(), which waits. Nothing in an optimizer iteration needs a host read.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/geometry.h"
#include "engine/core/tensor.h"

namespace nsrg {

enum class BackendKind { Cpu, Cuda };
enum class Precision { Fp32, Tf32 };

struct BackendOptions {
  Precision precision = Precision::Fp32;  // CUDA only: tf32 lets convolutions/GEMMs use TF32
  int threads = 0;                        // CPU only: 0 = all cores
};

// A vector-op coefficient: constant, times array[index] when array is set (device-resident).
struct Coef {
  float constant = 1.0f;
  const Tensor* array = nullptr;
  int index = 0;

  Coef(float value = 1.0f) : constant(value) {}  // NOLINT: a plain float is a coefficient
  Coef(float value, const Tensor& scalars, int slot) : constant(value), array(&scalars), index(slot) {}
};

class Backend {
 public:
  virtual ~Backend() = default;

  // ---- identity ------------------------------------------------------------------------
  virtual BackendKind kind() const = 0;
  virtual std::string description() const = 0;  // e.g. "cpu: oneDNN 2.6, 2 threads"

  // ---- memory --------------------------------------------------------------------------
  virtual Tensor empty(const Shape& shape) = 0;  // contents undefined
  virtual void release(float* data) noexcept = 0;  // called by ~Tensor only
  virtual void upload(const float* host, Tensor& dst) = 0;  // dst.numel() floats
  virtual void download(const Tensor& src, float* host) = 0;
  virtual void copy(const Tensor& src, Tensor& dst) = 0;  // same numel
  virtual void fill(Tensor& dst, float value) = 0;
  virtual float read_scalar(const Tensor& scalars, int index) = 0;  // waits for the device
  virtual void synchronize() = 0;
  virtual size_t peak_memory_bytes() const = 0;  // high-water mark of Tensor memory

  Tensor zeros(const Shape& shape);
  Tensor from_host(const Shape& shape, const float* host);
  std::vector<float> to_host(const Tensor& src);

  // ---- network layers ------------------------------------------------------------------
  // y = conv(x, weight [K,C,kh,kw]) + bias [1,K,1,1]; cross-correlation as in Caffe.
  virtual void conv_forward(const ConvGeometry& geometry, const Tensor& x, const Tensor& weight,
                            const Tensor& bias, Tensor& y) = 0;
  // dx = gradient of the convolution with respect to its input (overwrites dx).
  virtual void conv_backward_data(const ConvGeometry& geometry, const Tensor& dy,
                                  const Tensor& weight, Tensor& dx) = 0;
  // y = max(x, 0); x and y may be the same tensor.
  virtual void relu_forward(const Tensor& x, Tensor& y) = 0;
  // dx = dy where y > 0, else 0 (y is the ReLU output); dy and dx may be the same tensor.
  virtual void relu_backward(const Tensor& y, const Tensor& dy, Tensor& dx) = 0;
  virtual void pool_forward(const PoolGeometry& geometry, const Tensor& x, Tensor& y) = 0;
  // dx (overwritten) from dy, given the forward input x and output y. Max pooling routes
  // each dy to the first maximal position of its window.
  virtual void pool_backward(const PoolGeometry& geometry, const Tensor& x, const Tensor& y,
                             const Tensor& dy, Tensor& dx) = 0;

  // ---- Gram matrices (features [1,C,H,W] viewed as F = C x HW) ----------------------------
  // gram [1,1,C,C] = scale * F F^T, both triangles filled.
  virtual void gram(const Tensor& features, float scale, Tensor& gram) = 0;
  // dfeatures (overwritten) = scale * (dgram + dgram^T) F.
  virtual void gram_backward(const Tensor& features, const Tensor& dgram, float scale,
                             Tensor& dfeatures) = 0;

  // ---- losses --------------------------------------------------------------------------
  // loss = weight * mean((x - target)^2) into the slot; grad (overwritten) = 2 (x - target) / N.
  virtual void mse_loss(const Tensor& x, const Tensor& target, float weight, ScalarSlot loss,
                        Tensor& grad) = 0;
  // accumulate += grad * weight, or with normalize grad * weight / (||grad||_1 + 1e-8).
  virtual void add_weighted_gradient(const Tensor& grad, float weight, bool normalize,
                                     Tensor& accumulate) = 0;
  // Total variation of image [1,C,H,W]: loss = weight/2 * sum over the (H-1)x(W-1) block of
  // (x[i,j]-x[i,j+1])^2 + (x[i,j]-x[i+1,j])^2, into the slot; its gradient is ADDED to grad.
  virtual void tv_loss(const Tensor& image, float weight, ScalarSlot loss, Tensor& grad) = 0;

  // ---- vector and scalar ops (optimizers) -----------------------------------------------
  virtual void dot(const Tensor& a, const Tensor& b, ScalarSlot out) = 0;
  virtual void asum(const Tensor& a, ScalarSlot out) = 0;  // sum of |a_i|
  virtual void axpy(Coef alpha, const Tensor& x, Tensor& y) = 0;  // y += alpha x
  virtual void scale(Coef alpha, Tensor& x) = 0;                  // x *= alpha
  // out = sum of scalars[first .. first + count)
  virtual void sum_scalars(const Tensor& scalars, int first, int count, ScalarSlot out) = 0;
};

}  // namespace nsrg
