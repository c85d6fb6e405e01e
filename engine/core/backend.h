// The Backend interface: memory and every numeric operation the engine needs.
//
// The network, the losses, the style randomization and the optimizers are written once
// against this interface; engine/cpu and engine/cuda implement it. Tensors are float32,
// NCHW, batch 1, as every operation reads and writes them (a backend may keep a Tensor in a
// private layout between its own operations, as both backends' bf16 precision does, as
// long as every operation sees float32 NCHW values; docs/design.md, "The Backend contract").
// Operations are asynchronous with respect to the host on device backends: reductions write
// device-resident scalars (ScalarSlot), and the host reads one only with read_scalar(), which
// waits. Nothing in an optimizer iteration needs a host read.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/enum_names.h"
#include "engine/core/geometry.h"
#include "engine/core/matrix_function_rules.h"
#include "engine/core/optimizer_scalars.h"
#include "engine/core/randomization.h"
#include "engine/core/tensor.h"
#include "engine/core/window_rules.h"

namespace nsrg {

enum class BackendKind { Cpu, Cuda };
// What a render asks for: a backend kind, or auto (CUDA when available, else CPU).
enum class BackendChoice { Auto, Cpu, Cuda };
inline constexpr NamedValue<BackendChoice> kBackendChoiceNames[] = {
    {BackendChoice::Auto, "auto"}, {BackendChoice::Cpu, "cpu"}, {BackendChoice::Cuda, "cuda"}};
// The arithmetic of the convolutions. tf32: CUDA only, convolutions and GEMMs on TF32 tensor
// cores. mixed and bf16, both backends (docs/design.md, "Numerical contract"): mixed runs the
// backward-data convolutions in bfloat16 (fp32 forward); bf16 also runs the forward pass in
// bfloat16, the activations kept in the backend's own bf16 layout between layers.
enum class Precision { Fp32, Tf32, Mixed, Bf16 };
inline constexpr NamedValue<Precision> kPrecisionNames[] = {{Precision::Fp32, "fp32"},
                                                            {Precision::Tf32, "tf32"},
                                                            {Precision::Mixed, "mixed"},
                                                            {Precision::Bf16, "bf16"}};

struct BackendOptions {
  Precision precision = Precision::Fp32;
  int threads = 0;  // CPU only: 0 = all cores
  // CPU only: the depth (pixels) of one K-partial of a Gram product, 0 = cpu_gemm.h's
  // kGemmTileDepth. The result never depends on the thread count; another depth adds the
  // pixels in another order, which tests use to measure float32 rounding spreads.
  long gram_tile_depth = 0;
};

// A vector-op coefficient: constant, times array[index] when array is set (device-resident).
struct Coef {
  float constant = 1.0f;
  const Tensor* array = nullptr;
  int index = 0;

  Coef(float value = 1.0f) : constant(value) {}  // NOLINT: a plain float is a coefficient
  Coef(float value, const Tensor& scalars, int slot)
      : constant(value), array(&scalars), index(slot) {}
};

// A row of a ring buffer chosen on the device (optimizer history). A ring Tensor [n,c,h,w]
// is n rows of c*h*w floats. The row is r = int(counter[slot]) + offset taken mod n, where
// counter[slot] holds a non-negative whole number; an op given a row with r < 0 (a row that
// does not exist yet) does nothing at all.
//
// bf16: the ring's rows hold bfloat16 values (engine/core/ring_values.h), two per float of the
// ring Tensor, whose n rows are then ring.numel() / n floats each, at least half the row's
// values rounded up. ring_store rounds to bf16; ring_dot and ring_axpy read the rounded
// values and compute in float as for float32 rows.
struct RingRow {
  const Tensor* counter = nullptr;
  int slot = 0;
  int offset = 0;
  bool bf16 = false;
};

// One convolution a network runs, with its input shape (for Backend::workspace_bytes).
struct ConvCall {
  ConvGeometry geometry;
  Shape input;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // ---- identity ------------------------------------------------------------------------
  virtual BackendKind kind() const = 0;
  virtual std::string description() const = 0;  // e.g. "cpu: oneDNN 2.6, 2 threads"

  // ---- memory --------------------------------------------------------------------------
  virtual Tensor empty(const Shape& shape) = 0;             // contents undefined
  virtual void release(float* data) noexcept = 0;           // called by ~Tensor only
  virtual void upload(const float* host, Tensor& dst) = 0;  // dst.numel() floats
  virtual void download(const Tensor& src, float* host) = 0;
  virtual void copy(const Tensor& src, Tensor& dst) = 0;  // same numel
  virtual void fill(Tensor& dst, float value) = 0;
  virtual float read_scalar(const Tensor& scalars, int index) = 0;  // waits for the device
  virtual void synchronize() = 0;
  virtual size_t peak_memory_bytes() const = 0;  // high-water mark of Tensor memory
  // Memory this process may use in all (for the memory plan): CPU, MemAvailable of
  // /proc/meminfo plus the process's resident memory (VmRSS); CUDA, the device's free memory
  // (cudaMemGetInfo) plus what the backend's pool holds. 0 when unknown.
  virtual size_t available_memory_bytes() const = 0;
  // Memory beside Tensors that running `convs` forward and backward-data takes on this
  // backend, given `weight_bytes` of convolution weights: the CPU's staging buffers, im2col
  // columns and oneDNN's copies of the weights; CUDA's cuBLAS workspace and the cuDNN
  // workspace ceiling. Each backend counts it from the rules it allocates by (the memory
  // plan adds it to the Tensor peak).
  virtual size_t workspace_bytes(const std::vector<ConvCall>& convs, size_t weight_bytes) const = 0;

  // Runs `work` and returns how long the backend took for it, in milliseconds, waiting for
  // the device before and after (CUDA backends time with events). For benchmarks.
  virtual double time_ms(const std::function<void()>& work);

  Tensor zeros(const Shape& shape);
  Tensor from_host(const Shape& shape, const float* host);
  std::vector<float> to_host(const Tensor& src);

  // ---- network layers ------------------------------------------------------------------
  // y = conv(x, weight [K,C,kh,kw]) + bias [1,K,1,1]; cross-correlation as in Caffe.
  virtual void conv_forward(const ConvGeometry& geometry, const Tensor& x, const Tensor& weight,
                            const Tensor& bias, Tensor& y) = 0;
  // y = max(conv(x) + bias, 0): the convolution with its ReLU, for a network whose
  // pre-ReLU values nobody reads. A backend may fuse the two (the CPU backend does with
  // precision "bf16", as oneDNN's ReLU post-op); the result is that of conv_forward
  // followed by relu_forward(y, y), which is what this default runs.
  virtual void conv_relu_forward(const ConvGeometry& geometry, const Tensor& x,
                                 const Tensor& weight, const Tensor& bias, Tensor& y) {
    conv_forward(geometry, x, weight, bias, y);
    relu_forward(y, y);
  }
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
  // out [1,C,H,W] = features with each position's C values times mask [1,1,H,W] there: the
  // masked features of a region's Gram ([[regions]]) and, applied to the gradient of the
  // masked features, their backward. out must not alias features or mask.
  virtual void mask_features(const Tensor& features, const Tensor& mask, Tensor& out) = 0;

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

  // ---- windows (tiled evaluation, engine/net/tile_plan.h) ----------------------------------
  // Copies the window `from` of every channel of src [1,C,H,W] into dst [1,C,H',W'] with its
  // top-left corner at (to_y, to_x); with accumulate, adds it there instead. The window is
  // non-empty and lies inside both tensors; src and dst do not overlap.
  virtual void copy_window(const Tensor& src, const Window& from, Tensor& dst, int to_y, int to_x,
                           bool accumulate) = 0;

  // ---- vector and scalar ops (optimizers) -----------------------------------------------
  virtual void dot(const Tensor& a, const Tensor& b, ScalarSlot out) = 0;
  virtual void asum(const Tensor& a, ScalarSlot out) = 0;         // sum of |a_i|
  virtual void axpy(Coef alpha, const Tensor& x, Tensor& y) = 0;  // y += alpha x
  virtual void scale(Coef alpha, Tensor& x) = 0;                  // x *= alpha
  // out = sum of scalars[first .. first + count)
  virtual void sum_scalars(const Tensor& scalars, int first, int count, ScalarSlot out) = 0;
  // Scalar arithmetic with no host round trip (operands: Coef constant, times a slot value
  // when the Coef has an array). out may be one of the operands' slots.
  virtual void scalar_op(ScalarOp op, Coef a, Coef b, ScalarSlot out) = 0;
  // out = (condition != 0) ? if_nonzero : if_zero; a true select, so the unchosen operand
  // may be inf or NaN.
  virtual void scalar_select(Coef condition, Coef if_nonzero, Coef if_zero, ScalarSlot out) = 0;
  // Elementwise (Adam), all tensors of one numel; y may alias the inputs.
  // y += alpha a b
  virtual void add_product(Coef alpha, const Tensor& a, const Tensor& b, Tensor& y) = 0;
  // y += alpha a / b
  virtual void add_quotient(Coef alpha, const Tensor& a, const Tensor& b, Tensor& y) = 0;
  // y = sqrt(x) + addend
  virtual void sqrt_plus(const Tensor& x, float addend, Tensor& y) = 0;
  // Ring-buffer rows (see RingRow; row numel = x's or y's numel; the ring does not overlap
  // x or y). Each does nothing when the row does not exist yet (int(counter) + offset < 0),
  // leaving its output untouched. A one-row ring [1,...] makes a flag-gated op: its row
  // exists while the counter is 1, with offset -1.
  // ring[row] = x
  virtual void ring_store(const Tensor& x, Tensor& ring, RingRow row) = 0;
  // out = (ring[row] . x), times row_scales[row] when row_scales (a ring of one float per
  // row, same n as ring) is given.
  virtual void ring_dot(const Tensor& ring, RingRow row, const Tensor& x, const Tensor* row_scales,
                        ScalarSlot out) = 0;
  // y += alpha ring[row]
  virtual void ring_axpy(Coef alpha, const Tensor& ring, RingRow row, Tensor& y) = 0;

  // ---- randomization ops (engine/core/randomization.h) ------------------------------------
  // Eigendecomposition of the symmetric matrix [1,1,C,C] (only its upper triangle is read):
  // eigenvalues [1,1,1,C] ascending, eigenvectors [1,1,C,C] orthonormal with column j the
  // j-th eigenvector (row-major: V[i*C + j]). Eigenvector signs are solver-dependent.
  virtual void symmetric_eigen(const Tensor& matrix, Tensor& eigenvalues, Tensor& eigenvectors) = 0;
  // target ([1,1,C,C], overwritten) from the Gram A and its eigendecomposition per `params`
  // (see randomization.h); the random multipliers are drawn inside the op (on the device on
  // GPUs). eigenvalues/eigenvectors are not read for the modes none and random_gram and may
  // then be empty Tensors. target must not alias the other tensors.
  virtual void randomize_gram(const Tensor& gram, const Tensor& eigenvalues,
                              const Tensor& eigenvectors, const GramRandomization& params,
                              Tensor& target) = 0;

  // ---- functions of symmetric matrices (style blends, engine/core/gram_blend.h) ------------
  // out [1,1,C,C] = V f(Lambda) V^T where matrix [1,1,C,C] = V Lambda V^T: eigendecomposed in
  // double as symmetric_eigen does (only the upper triangle is read), f applied per eigenvalue
  // with the floor of engine/core/matrix_function_rules.h, rebuilt in double, its symmetric
  // part rounded to float once (out is exactly symmetric). InverseSqrt and Log need a positive
  // largest eigenvalue (InternalError otherwise). out may be `matrix`.
  virtual void symmetric_function(const Tensor& matrix, MatrixFunction function, Tensor& out) = 0;
  // out [1,1,C,C] = the symmetric part of outer * inner * outer (row-major, every entry read),
  // in double, rounded to float once: A B A for symmetric A and B. out may be an input.
  virtual void symmetric_sandwich(const Tensor& outer, const Tensor& inner, Tensor& out) = 0;
};

}  // namespace nsrg
