// How the values of a ring-buffer row are stored (L-BFGS history), for host and device code
// alike: float32, or bfloat16 (the upper 16 bits of a float32, rounded to nearest even;
// NaN stays NaN), and the element rules of the row ops (ring_axpy, ring_dot's term and its
// row scale). Both backends store and read rows with these functions, so the CPU and the
// GPU keep bit-identical histories.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "engine/core/host_device.h"

namespace nsrg {

NSRG_HOST_DEVICE uint32_t float_bits(float value) {
#if defined(__CUDA_ARCH__)
  return __float_as_uint(value);
#else
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
#endif
}

NSRG_HOST_DEVICE float bits_float(uint32_t bits) {
#if defined(__CUDA_ARCH__)
  return __uint_as_float(bits);
#else
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
#endif
}

NSRG_HOST_DEVICE uint16_t float_to_bf16(float value) {
  const uint32_t bits = float_bits(value);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return uint16_t((bits >> 16) | 0x0040u);  // quiet NaN
  const uint32_t rounded = bits + 0x7fffu + ((bits >> 16) & 1u);
  return uint16_t(rounded >> 16);
}

NSRG_HOST_DEVICE float bf16_to_float(uint16_t value) {
  return bits_float(uint32_t(value) << 16);
}

// Element i of a row starting at `row` (bytes), stored as bf16 or float32.
NSRG_HOST_DEVICE float load_ring_value(const void* row, size_t i, bool bf16) {
  return bf16 ? bf16_to_float(static_cast<const uint16_t*>(row)[i])
              : static_cast<const float*>(row)[i];
}

NSRG_HOST_DEVICE void store_ring_value(void* row, size_t i, float value, bool bf16) {
  if (bf16)
    static_cast<uint16_t*>(row)[i] = float_to_bf16(value);
  else
    static_cast<float*>(row)[i] = value;
}

// y[i] += alpha row[i] (Backend::ring_axpy)
NSRG_HOST_DEVICE void ring_axpy_element(float alpha, const void* row, bool bf16, float* y,
                                        size_t i) {
  y[i] += alpha * load_ring_value(row, i, bf16);
}

// Term i of row . x (Backend::ring_dot), in double.
NSRG_HOST_DEVICE double ring_dot_term(const void* row, bool bf16, const float* x, size_t i) {
  return double(load_ring_value(row, i, bf16)) * double(x[i]);
}

// ring_dot's result for row `row`: the sum, times row_scales[row] when row_scales is set.
NSRG_HOST_DEVICE double scaled_ring_dot(double sum, const float* row_scales, int64_t row) {
  return row_scales != nullptr ? sum * double(row_scales[row]) : sum;
}

}  // namespace nsrg
