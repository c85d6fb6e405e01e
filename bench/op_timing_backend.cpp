// OpTimingBackend (bench/op_timing_backend.h): each operation forwarded to the wrapped
// backend between two reads of the wall clock and of the process's CPU clock.
#include "bench/op_timing_backend.h"

#include <algorithm>
#include <ctime>

namespace nsrg {

namespace {
double clock_ms(clockid_t clock) {
  timespec t{};
  clock_gettime(clock, &t);
  return double(t.tv_sec) * 1e3 + double(t.tv_nsec) * 1e-6;
}

std::string shaped(const char* op, const Tensor& t) {
  return std::string(op) + " " + t.shape().str();
}

std::string conv_name(const char* op, const ConvGeometry& g, const Shape& input) {
  return std::string(op) + " " + std::to_string(g.in_channels) + "->" +
         std::to_string(g.out_channels) + " at " + std::to_string(input.h) + "x" +
         std::to_string(input.w);
}

double median_of(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}
}  // namespace

template <typename Work>
void OpTimingBackend::timed(const std::string& name, Work work) {
  inner_.synchronize();
  const double wall = clock_ms(CLOCK_MONOTONIC), cpu = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
  work();
  inner_.synchronize();
  OpTotals& t = totals_[name];
  t.wall_ms += clock_ms(CLOCK_MONOTONIC) - wall;
  t.cpu_ms += clock_ms(CLOCK_PROCESS_CPUTIME_ID) - cpu;
  ++t.calls;
}

void OpTimingBackend::upload(const float* host, Tensor& dst) {
  timed("upload", [&] { inner_.upload(host, dst); });
}
void OpTimingBackend::download(const Tensor& src, float* host) {
  timed("download", [&] { inner_.download(src, host); });
}
void OpTimingBackend::copy(const Tensor& src, Tensor& dst) {
  timed(shaped("copy", src), [&] { inner_.copy(src, dst); });
}
void OpTimingBackend::fill(Tensor& dst, float value) {
  timed(shaped("fill", dst), [&] { inner_.fill(dst, value); });
}
float OpTimingBackend::read_scalar(const Tensor& scalars, int index) {
  float value = 0;
  timed("read_scalar", [&] { value = inner_.read_scalar(scalars, index); });
  return value;
}

void OpTimingBackend::conv_forward(const ConvGeometry& geometry, const Tensor& x,
                                   const Tensor& weight, const Tensor& bias, Tensor& y) {
  timed(conv_name("conv_forward", geometry, x.shape()),
        [&] { inner_.conv_forward(geometry, x, weight, bias, y); });
}
void OpTimingBackend::conv_relu_forward(const ConvGeometry& geometry, const Tensor& x,
                                        const Tensor& weight, const Tensor& bias, Tensor& y) {
  timed(conv_name("conv_relu_forward", geometry, x.shape()),
        [&] { inner_.conv_relu_forward(geometry, x, weight, bias, y); });
}
void OpTimingBackend::conv_backward_data(const ConvGeometry& geometry, const Tensor& dy,
                                         const Tensor& weight, Tensor& dx) {
  timed(conv_name("conv_backward_data", geometry, dx.shape()),
        [&] { inner_.conv_backward_data(geometry, dy, weight, dx); });
}
void OpTimingBackend::relu_forward(const Tensor& x, Tensor& y) {
  timed(shaped("relu_forward", x), [&] { inner_.relu_forward(x, y); });
}
void OpTimingBackend::relu_backward(const Tensor& y, const Tensor& dy, Tensor& dx) {
  timed(shaped("relu_backward", y), [&] { inner_.relu_backward(y, dy, dx); });
}
void OpTimingBackend::pool_forward(const PoolGeometry& geometry, const Tensor& x, Tensor& y) {
  timed(shaped("pool_forward", x), [&] { inner_.pool_forward(geometry, x, y); });
}
void OpTimingBackend::pool_backward(const PoolGeometry& geometry, const Tensor& x, const Tensor& y,
                                    const Tensor& dy, Tensor& dx) {
  timed(shaped("pool_backward", x), [&] { inner_.pool_backward(geometry, x, y, dy, dx); });
}
void OpTimingBackend::gram(const Tensor& features, float scale, Tensor& gram) {
  timed(shaped("gram", features), [&] { inner_.gram(features, scale, gram); });
}
void OpTimingBackend::gram_backward(const Tensor& features, const Tensor& dgram, float scale,
                                    Tensor& dfeatures) {
  timed(shaped("gram_backward", features),
        [&] { inner_.gram_backward(features, dgram, scale, dfeatures); });
}
void OpTimingBackend::mask_features(const Tensor& features, const Tensor& mask, Tensor& out) {
  timed(shaped("mask_features", features), [&] { inner_.mask_features(features, mask, out); });
}
void OpTimingBackend::mse_loss(const Tensor& x, const Tensor& target, float weight, ScalarSlot loss,
                               Tensor& grad) {
  timed(shaped("mse_loss", x), [&] { inner_.mse_loss(x, target, weight, loss, grad); });
}
void OpTimingBackend::add_weighted_gradient(const Tensor& grad, float weight, bool normalize,
                                            Tensor& accumulate) {
  timed(shaped("add_weighted_gradient", grad),
        [&] { inner_.add_weighted_gradient(grad, weight, normalize, accumulate); });
}
void OpTimingBackend::tv_loss(const Tensor& image, float weight, ScalarSlot loss, Tensor& grad) {
  timed(shaped("tv_loss", image), [&] { inner_.tv_loss(image, weight, loss, grad); });
}
void OpTimingBackend::copy_window(const Tensor& src, const Window& from, Tensor& dst, int to_y,
                                  int to_x, bool accumulate) {
  timed(shaped("copy_window", src),
        [&] { inner_.copy_window(src, from, dst, to_y, to_x, accumulate); });
}
void OpTimingBackend::dot(const Tensor& a, const Tensor& b, ScalarSlot out) {
  timed("dot", [&] { inner_.dot(a, b, out); });
}
void OpTimingBackend::asum(const Tensor& a, ScalarSlot out) {
  timed("asum", [&] { inner_.asum(a, out); });
}
void OpTimingBackend::axpy(Coef alpha, const Tensor& x, Tensor& y) {
  timed("axpy", [&] { inner_.axpy(alpha, x, y); });
}
void OpTimingBackend::scale(Coef alpha, Tensor& x) {
  timed("scale", [&] { inner_.scale(alpha, x); });
}
void OpTimingBackend::sum_scalars(const Tensor& scalars, int first, int count, ScalarSlot out) {
  timed("sum_scalars", [&] { inner_.sum_scalars(scalars, first, count, out); });
}
void OpTimingBackend::scalar_op(ScalarOp op, Coef a, Coef b, ScalarSlot out) {
  timed("scalar_op", [&] { inner_.scalar_op(op, a, b, out); });
}
void OpTimingBackend::scalar_select(Coef condition, Coef if_nonzero, Coef if_zero, ScalarSlot out) {
  timed("scalar_select", [&] { inner_.scalar_select(condition, if_nonzero, if_zero, out); });
}
void OpTimingBackend::add_product(Coef alpha, const Tensor& a, const Tensor& b, Tensor& y) {
  timed("add_product", [&] { inner_.add_product(alpha, a, b, y); });
}
void OpTimingBackend::add_quotient(Coef alpha, const Tensor& a, const Tensor& b, Tensor& y) {
  timed("add_quotient", [&] { inner_.add_quotient(alpha, a, b, y); });
}
void OpTimingBackend::sqrt_plus(const Tensor& x, float addend, Tensor& y) {
  timed("sqrt_plus", [&] { inner_.sqrt_plus(x, addend, y); });
}
void OpTimingBackend::ring_store(const Tensor& x, Tensor& ring, RingRow row) {
  timed("ring_store", [&] { inner_.ring_store(x, ring, row); });
}
void OpTimingBackend::ring_dot(const Tensor& ring, RingRow row, const Tensor& x,
                               const Tensor* row_scales, ScalarSlot out) {
  timed("ring_dot", [&] { inner_.ring_dot(ring, row, x, row_scales, out); });
}
void OpTimingBackend::ring_axpy(Coef alpha, const Tensor& ring, RingRow row, Tensor& y) {
  timed("ring_axpy", [&] { inner_.ring_axpy(alpha, ring, row, y); });
}
void OpTimingBackend::symmetric_eigen(const Tensor& matrix, Tensor& eigenvalues,
                                      Tensor& eigenvectors) {
  timed(shaped("symmetric_eigen", matrix),
        [&] { inner_.symmetric_eigen(matrix, eigenvalues, eigenvectors); });
}
void OpTimingBackend::randomize_gram(const Tensor& gram, const Tensor& eigenvalues,
                                     const Tensor& eigenvectors, const GramRandomization& params,
                                     Tensor& target) {
  timed(shaped("randomize_gram", gram),
        [&] { inner_.randomize_gram(gram, eigenvalues, eigenvectors, params, target); });
}
void OpTimingBackend::symmetric_function(const Tensor& matrix, MatrixFunction function,
                                         Tensor& out) {
  timed(shaped("symmetric_function", matrix),
        [&] { inner_.symmetric_function(matrix, function, out); });
}
void OpTimingBackend::symmetric_sandwich(const Tensor& outer, const Tensor& inner, Tensor& out) {
  timed(shaped("symmetric_sandwich", outer), [&] { inner_.symmetric_sandwich(outer, inner, out); });
}

std::vector<OpShare> median_op_totals(const std::vector<std::map<std::string, OpTotals>>& runs) {
  std::map<std::string, std::vector<OpTotals>> by_name;
  for (const auto& run : runs)
    for (const auto& [name, totals] : run) by_name[name].push_back(totals);
  std::vector<OpShare> shares;
  for (const auto& [name, all] : by_name) {
    std::vector<double> wall, cpu, calls;
    for (const OpTotals& t : all) {
      wall.push_back(t.wall_ms);
      cpu.push_back(t.cpu_ms);
      calls.push_back(double(t.calls));
    }
    shares.push_back({name, {median_of(wall), median_of(cpu), long(median_of(calls))}});
  }
  std::sort(shares.begin(), shares.end(),
            [](const OpShare& a, const OpShare& b) { return a.median.cpu_ms > b.median.cpu_ms; });
  return shares;
}

}  // namespace nsrg
