// OpTimingBackend: a Backend that forwards every operation to another backend and adds up,
// per operation and shape, the wall time and the process's CPU time (all threads) it took.
// nsrg-bench wraps the backend in it for --op-times, to say where one evaluation's time goes
// (bench/README.md, "Where the bf16 evaluation's time goes"); the engine never uses it.
// Each operation pays two clock reads per timer; the backend's own work is unchanged.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/core/backend.h"

namespace nsrg {

// What one operation (at one shape) took over the calls since the last reset.
struct OpTotals {
  double wall_ms = 0;
  double cpu_ms = 0;
  long calls = 0;
};

class OpTimingBackend final : public Backend {
 public:
  explicit OpTimingBackend(Backend& inner) : inner_(inner) {}

  void reset() { totals_.clear(); }
  // Totals by "operation shape", e.g. "conv_forward 64->128 3x3 128x128".
  const std::map<std::string, OpTotals>& totals() const { return totals_; }

  BackendKind kind() const override { return inner_.kind(); }
  std::string description() const override { return inner_.description(); }

  Tensor empty(const Shape& shape) override { return inner_.empty(shape); }
  void release(float* data) noexcept override { inner_.release(data); }
  void upload(const float* host, Tensor& dst) override;
  void download(const Tensor& src, float* host) override;
  void copy(const Tensor& src, Tensor& dst) override;
  void fill(Tensor& dst, float value) override;
  float read_scalar(const Tensor& scalars, int index) override;
  void synchronize() override { inner_.synchronize(); }
  size_t peak_memory_bytes() const override { return inner_.peak_memory_bytes(); }
  size_t available_memory_bytes() const override { return inner_.available_memory_bytes(); }
  size_t workspace_bytes(const std::vector<ConvCall>& convs, size_t weight_bytes) const override {
    return inner_.workspace_bytes(convs, weight_bytes);
  }
  double time_ms(const std::function<void()>& work) override { return inner_.time_ms(work); }

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
  void gram(const Tensor& features, float scale, Tensor& gram) override;
  void gram_backward(const Tensor& features, const Tensor& dgram, float scale,
                     Tensor& dfeatures) override;
  void mask_features(const Tensor& features, const Tensor& mask, Tensor& out) override;
  void mse_loss(const Tensor& x, const Tensor& target, float weight, ScalarSlot loss,
                Tensor& grad) override;
  void add_weighted_gradient(const Tensor& grad, float weight, bool normalize,
                             Tensor& accumulate) override;
  void tv_loss(const Tensor& image, float weight, ScalarSlot loss, Tensor& grad) override;
  void copy_window(const Tensor& src, const Window& from, Tensor& dst, int to_y, int to_x,
                   bool accumulate) override;
  void dot(const Tensor& a, const Tensor& b, ScalarSlot out) override;
  void asum(const Tensor& a, ScalarSlot out) override;
  void axpy(Coef alpha, const Tensor& x, Tensor& y) override;
  void scale(Coef alpha, Tensor& x) override;
  void sum_scalars(const Tensor& scalars, int first, int count, ScalarSlot out) override;
  void scalar_op(ScalarOp op, Coef a, Coef b, ScalarSlot out) override;
  void scalar_select(Coef condition, Coef if_nonzero, Coef if_zero, ScalarSlot out) override;
  void add_product(Coef alpha, const Tensor& a, const Tensor& b, Tensor& y) override;
  void add_quotient(Coef alpha, const Tensor& a, const Tensor& b, Tensor& y) override;
  void sqrt_plus(const Tensor& x, float addend, Tensor& y) override;
  void ring_store(const Tensor& x, Tensor& ring, RingRow row) override;
  void ring_dot(const Tensor& ring, RingRow row, const Tensor& x, const Tensor* row_scales,
                ScalarSlot out) override;
  void ring_axpy(Coef alpha, const Tensor& ring, RingRow row, Tensor& y) override;
  void symmetric_eigen(const Tensor& matrix, Tensor& eigenvalues, Tensor& eigenvectors) override;
  void randomize_gram(const Tensor& gram, const Tensor& eigenvalues, const Tensor& eigenvectors,
                      const GramRandomization& params, Tensor& target) override;
  void symmetric_function(const Tensor& matrix, MatrixFunction function, Tensor& out) override;
  void symmetric_sandwich(const Tensor& outer, const Tensor& inner, Tensor& out) override;

 private:
  // Runs `work` and adds its wall and CPU time to totals_[name].
  template <typename Work>
  void timed(const std::string& name, Work work);

  Backend& inner_;
  std::map<std::string, OpTotals> totals_;
};

// The per-operation medians over runs (each run's totals, from reset to reset), largest first.
struct OpShare {
  std::string name;
  OpTotals median;  // each field's median over the runs
};
std::vector<OpShare> median_op_totals(const std::vector<std::map<std::string, OpTotals>>& runs);

}  // namespace nsrg
