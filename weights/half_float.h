// Conversion of the 16-bit float formats safetensors files may hold (IEEE binary16 "F16"
// and bfloat16 "BF16") to float32, exactly (every 16-bit value is representable).
#pragma once

#include <cstdint>
#include <cstring>

namespace nsrg {

inline float float_from_bits(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

// bfloat16 is the top half of a float32.
inline float bf16_to_float(uint16_t half) {
  return float_from_bits(uint32_t(half) << 16);
}

// IEEE 754 binary16: 1 sign bit, 5 exponent bits (bias 15), 10 mantissa bits.
inline float f16_to_float(uint16_t half) {
  const uint32_t sign = uint32_t(half & 0x8000u) << 16;
  const uint32_t exponent = (half >> 10) & 0x1Fu;
  uint32_t mantissa = half & 0x3FFu;
  if (exponent == 0x1Fu) return float_from_bits(sign | 0x7F800000u | (mantissa << 13));  // inf/NaN
  if (exponent != 0) return float_from_bits(sign | ((exponent + 112u) << 23) | (mantissa << 13));
  if (mantissa == 0) return float_from_bits(sign);  // signed zero
  // Subnormal: shift the mantissa up until its leading one becomes the implicit bit.
  uint32_t float_exponent = 113;  // 127 - 15 + 1
  while ((mantissa & 0x400u) == 0) {
    mantissa <<= 1;
    --float_exponent;
  }
  return float_from_bits(sign | (float_exponent << 23) | ((mantissa & 0x3FFu) << 13));
}

}  // namespace nsrg
