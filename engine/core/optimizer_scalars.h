// The rules of the optimizers' device-resident scalars, written once for host and device
// (as philox.h is): the arithmetic of Backend::scalar_op and scalar_select, and the
// ring-buffer row that a RingRow names. The CPU backend calls these on the host and the CUDA
// kernels on the device, so both backends compute the same thing by construction.
#pragma once

#include <cstdint>

#include "engine/core/host_device.h"

namespace nsrg {

// Scalar arithmetic on device-resident scalars (Backend::scalar_op).
enum class ScalarOp {
  Add,       // a + b
  Subtract,  // a - b
  Multiply,  // a * b
  Divide,    // a / b (IEEE: x/0 is +-inf or NaN)
  Min,       // a < b ? a : b
  Max,       // a > b ? a : b
  Greater,   // a > b ? 1 : 0 (0 when either is NaN)
};

NSRG_HOST_DEVICE float apply_scalar_op(ScalarOp op, float a, float b) {
  switch (op) {
    case ScalarOp::Add:
      return a + b;
    case ScalarOp::Subtract:
      return a - b;
    case ScalarOp::Multiply:
      return a * b;
    case ScalarOp::Divide:
      return a / b;
    case ScalarOp::Min:
      return a < b ? a : b;
    case ScalarOp::Max:
      return a > b ? a : b;
    case ScalarOp::Greater:
      return a > b ? 1.0f : 0.0f;
  }
  return 0.0f;
}

// Backend::scalar_select: if_nonzero when condition != 0 (NaN counts as nonzero), else if_zero.
NSRG_HOST_DEVICE float select_scalar(float condition, float if_nonzero, float if_zero) {
  return condition != 0.0f ? if_nonzero : if_zero;
}

// Ring-buffer counters are whole numbers in [0, 2^24), where a float holds every integer.
constexpr float kRingCounterLimit = 16777216.0f;

// True when `count` is a valid ring counter (NaN is not).
NSRG_HOST_DEVICE bool is_ring_counter(float count) {
  return count >= 0.0f && count < kRingCounterLimit && float(int64_t(count)) == count;
}

// The row of a ring of `rows` rows that a valid counter names with `offset`:
// (count + offset) mod rows, or -1 when count + offset < 0 (the row does not exist yet).
NSRG_HOST_DEVICE int64_t ring_row_index(float count, int offset, int rows) {
  const int64_t raw = int64_t(count) + offset;
  return raw < 0 ? -1 : raw % rows;
}

}  // namespace nsrg
