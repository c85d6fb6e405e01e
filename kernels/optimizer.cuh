// Optimizer kernels: arithmetic and select on device-resident scalars, the element-wise
// Adam helpers, and the L-BFGS history's ring-buffer row ops, whose row is chosen on the
// device from a counter scalar. Host-callable launchers; nothing is read by the host.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>

#include "engine/core/optimizer_scalars.h"
#include "kernels/elementwise.cuh"
#include "kernels/reduction.cuh"

namespace nsrg::kernels {

// *out = a op b (out may be an operand's scalar), engine/core/optimizer_scalars.h's rule.
void launch_scalar_op(ScalarOp op, DeviceCoef a, DeviceCoef b, float* out, cudaStream_t stream);
// *out = condition != 0 ? if_nonzero : if_zero
void launch_scalar_select(DeviceCoef condition, DeviceCoef if_nonzero, DeviceCoef if_zero,
                          float* out, cudaStream_t stream);

// y += alpha a b ; y += alpha a / b ; y = sqrt(x) + addend (y may alias the inputs).
void launch_add_product(DeviceCoef alpha, const float* a, const float* b, float* y, size_t count,
                        cudaStream_t stream);
void launch_add_quotient(DeviceCoef alpha, const float* a, const float* b, float* y, size_t count,
                         cudaStream_t stream);
void launch_sqrt_plus(const float* x, float addend, float* y, size_t count, cudaStream_t stream);

// A ring-buffer row chosen on the device by engine/core/optimizer_scalars.h's rule:
// r = int(*counter) + offset, taken mod rows; the ops do nothing when r < 0 (or when
// *counter is not a valid ring counter, which the CPU backend reports as an error).
// Each row is row_floats floats of the ring, holding float32 values or, with bf16, bfloat16
// values two per float (engine/core/ring_values.h).
struct DeviceRingRow {
  const float* counter = nullptr;
  int offset = 0;
  int rows = 1;
  size_t row_floats = 0;
  bool bf16 = false;
};

// ring[row] = x (row_size values; rounded to bf16 for a bf16 ring).
void launch_ring_store(const float* x, float* ring, size_t row_size, DeviceRingRow row,
                       cudaStream_t stream);
// *out = ring[row] . x, times row_scales[row] when row_scales is set; *out untouched when
// the row does not exist.
void launch_ring_dot(const float* ring, size_t row_size, DeviceRingRow row, const float* x,
                     const float* row_scales, const ReduceScratch& scratch, float* out,
                     cudaStream_t stream);
// y += alpha ring[row]
void launch_ring_axpy(DeviceCoef alpha, const float* ring, size_t row_size, DeviceRingRow row,
                      float* y, cudaStream_t stream);

}  // namespace nsrg::kernels
