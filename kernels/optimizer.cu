// Optimizer kernels (see optimizer.cuh): scalar arithmetic, Adam's element-wise helpers,
// and the ring-buffer row ops of the L-BFGS history. What each does to a scalar or an
// element is the host/device rule the CPU backend runs too (engine/core/optimizer_scalars.h,
// elementwise_rules.h, ring_values.h); this file holds the launches and the row choice on
// the device.
#include "engine/core/elementwise_rules.h"
#include "engine/core/ring_values.h"
#include "kernels/deterministic_reduce.cuh"
#include "kernels/launch_config.cuh"
#include "kernels/optimizer.cuh"

namespace nsrg::kernels {
namespace {

// The row a DeviceRingRow names, or -1 when it does not exist (see optimizer.cuh).
__device__ __forceinline__ long long ring_row(DeviceRingRow row) {
  const float count = *row.counter;
  if (!is_ring_counter(count)) return -1;
  return ring_row_index(count, row.offset, row.rows);
}

__global__ void scalar_op_kernel(ScalarOp op, DeviceCoef a, DeviceCoef b, float* out) {
  *out = apply_scalar_op(op, a.value(), b.value());
}

__global__ void scalar_select_kernel(DeviceCoef condition, DeviceCoef if_nonzero,
                                     DeviceCoef if_zero, float* out) {
  *out = select_scalar(condition.value(), if_nonzero.value(), if_zero.value());
}

__global__ void add_product_kernel(DeviceCoef alpha, const float* a, const float* b, float* y,
                                   size_t count) {
  const float factor = alpha.value();
  for (size_t i = first_index(); i < count; i += grid_stride())
    add_product_element(factor, a, b, y, i);
}

__global__ void add_quotient_kernel(DeviceCoef alpha, const float* a, const float* b, float* y,
                                    size_t count) {
  const float factor = alpha.value();
  for (size_t i = first_index(); i < count; i += grid_stride())
    add_quotient_element(factor, a, b, y, i);
}

__global__ void sqrt_plus_kernel(const float* x, float addend, float* y, size_t count) {
  for (size_t i = first_index(); i < count; i += grid_stride()) sqrt_plus_element(x, addend, y, i);
}

__global__ void ring_store_kernel(const float* x, float* ring, size_t row_size, DeviceRingRow row) {
  const long long r = ring_row(row);
  if (r < 0) return;
  float* out = ring + size_t(r) * row.row_floats;
  for (size_t i = first_index(); i < row_size; i += grid_stride())
    store_ring_value(out, i, x[i], row.bf16);
}

__global__ void ring_axpy_kernel(DeviceCoef alpha, const float* ring, size_t row_size,
                                 DeviceRingRow row, float* y) {
  const long long r = ring_row(row);
  if (r < 0) return;
  const float factor = alpha.value();
  const float* in = ring + size_t(r) * row.row_floats;
  for (size_t i = first_index(); i < row_size; i += grid_stride())
    ring_axpy_element(factor, in, row.bf16, y, i);
}

// Term of ring_dot: 0 for a missing row (its result is then not stored).
struct RingDotTerm {
  const float* ring;
  DeviceRingRow row;
  const float* x;
  __device__ double operator()(size_t i) const {
    const long long r = ring_row(row);
    if (r < 0) return 0.0;
    return ring_dot_term(ring + size_t(r) * row.row_floats, row.bf16, x, i);
  }
};

__global__ void ring_dot_final_kernel(const double* partials, unsigned count, DeviceRingRow row,
                                      const float* row_scales, float* out) {
  const double sum = sum_partials(partials, count);
  if (threadIdx.x == 0) {
    const long long r = ring_row(row);
    if (r >= 0) *out = float(scaled_ring_dot(sum, row_scales, r));
  }
}

}  // namespace

void launch_scalar_op(ScalarOp op, DeviceCoef a, DeviceCoef b, float* out, cudaStream_t stream) {
  launch_checked(scalar_op_kernel, 1, 1, stream, op, a, b, out);
}

void launch_scalar_select(DeviceCoef condition, DeviceCoef if_nonzero, DeviceCoef if_zero,
                          float* out, cudaStream_t stream) {
  launch_checked(scalar_select_kernel, 1, 1, stream, condition, if_nonzero, if_zero, out);
}

void launch_add_product(DeviceCoef alpha, const float* a, const float* b, float* y, size_t count,
                        cudaStream_t stream) {
  launch_grid_stride(add_product_kernel, count, stream, alpha, a, b, y, count);
}

void launch_add_quotient(DeviceCoef alpha, const float* a, const float* b, float* y, size_t count,
                         cudaStream_t stream) {
  launch_grid_stride(add_quotient_kernel, count, stream, alpha, a, b, y, count);
}

void launch_sqrt_plus(const float* x, float addend, float* y, size_t count, cudaStream_t stream) {
  launch_grid_stride(sqrt_plus_kernel, count, stream, x, addend, y, count);
}

void launch_ring_store(const float* x, float* ring, size_t row_size, DeviceRingRow row,
                       cudaStream_t stream) {
  launch_grid_stride(ring_store_kernel, row_size, stream, x, ring, row_size, row);
}

void launch_ring_dot(const float* ring, size_t row_size, DeviceRingRow row, const float* x,
                     const float* row_scales, const ReduceScratch& scratch, float* out,
                     cudaStream_t stream) {
  const unsigned blocks = reduce_blocks(row_size);
  launch_checked(reduce_partials_kernel<RingDotTerm>, blocks, kThreads, stream, row_size,
                 RingDotTerm{ring, row, x}, scratch.partials);
  launch_checked(ring_dot_final_kernel, 1, kThreads, stream, scratch.partials, blocks, row,
                 row_scales, out);
}

void launch_ring_axpy(DeviceCoef alpha, const float* ring, size_t row_size, DeviceRingRow row,
                      float* y, cudaStream_t stream) {
  launch_grid_stride(ring_axpy_kernel, row_size, stream, alpha, ring, row_size, row, y);
}

}  // namespace nsrg::kernels
