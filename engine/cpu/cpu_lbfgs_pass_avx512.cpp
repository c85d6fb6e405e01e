// The AVX-512 kernel of one fused L-BFGS pass (cpu_lbfgs_pass.h): 16 elements of d per step,
// the same operations as the portable kernel in the same order, so the same bits: the float
// steps are a multiply then an add (this file is compiled with -ffp-contract=off, so no fused
// multiply-add may join them), bf16 values widen exactly (the bits shifted up by 16), and the
// dot's terms go into one vector of 8 double lanes, lane j taking the terms j, j + 8, ... of
// the block as cpu::block_sum's lanes do (a short tail by masks), added up in its pairwise
// order at the end. Only called on CPUs with avx512f, avx512bw and avx512vl.
#include <immintrin.h>

// GCC 12's intrinsics start some results from _mm512_undefined_*(), a self-initialized
// variable that -Wmaybe-uninitialized reports wherever they are inlined (a false alarm).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <cstdint>

#include "engine/cpu/cpu_lbfgs_pass.h"

namespace nsrg::cpu {

namespace {

#define NSRG_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl")))

// Values [i, i + 16) of a history row, `mask` choosing which exist (the others read as 0).
NSRG_AVX512 inline __m512 load_row(const void* row, bool bf16, std::ptrdiff_t i, __mmask16 mask) {
  if (!bf16) return _mm512_maskz_loadu_ps(mask, static_cast<const float*>(row) + i);
  const __m256i halves = _mm256_maskz_loadu_epi16(mask, static_cast<const uint16_t*>(row) + i);
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(halves), 16));
}

// Elements [i, i + 16) of d (those in `mask`) through the pass; adds their dot terms to
// `lanes`.
NSRG_AVX512 inline void pass_step(const LbfgsPass& pass, float* d, std::ptrdiff_t i, __mmask16 mask,
                                  __m512d& lanes) {
  __m512 value =
      pass.negate != nullptr
          ? _mm512_mul_ps(_mm512_maskz_loadu_ps(mask, pass.negate + i), _mm512_set1_ps(-1.0f))
          : _mm512_maskz_loadu_ps(mask, d + i);
  if (pass.axpy_row != nullptr)
    value = _mm512_add_ps(value, _mm512_mul_ps(_mm512_set1_ps(pass.axpy_factor),
                                               load_row(pass.axpy_row, pass.bf16, i, mask)));
  if (pass.scale) value = _mm512_mul_ps(value, _mm512_set1_ps(pass.hdiag));
  _mm512_mask_storeu_ps(d + i, mask, value);
  if (pass.dot_row == nullptr) return;
  const __m512 row = load_row(pass.dot_row, pass.bf16, i, mask);
  const __m512d low = _mm512_mul_pd(_mm512_cvtps_pd(_mm512_castps512_ps256(row)),
                                    _mm512_cvtps_pd(_mm512_castps512_ps256(value)));
  const __m512d high = _mm512_mul_pd(
      _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(row), 1))),
      _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(value), 1))));
  lanes = _mm512_mask_add_pd(lanes, __mmask8(mask & 0xff), lanes, low);
  lanes = _mm512_mask_add_pd(lanes, __mmask8(mask >> 8), lanes, high);
}

}  // namespace

NSRG_AVX512 double run_lbfgs_pass_avx512(const LbfgsPass& pass, float* d, std::ptrdiff_t begin,
                                         std::ptrdiff_t end) {
  __m512d lanes = _mm512_setzero_pd();
  std::ptrdiff_t i = begin;
  for (; i + 16 <= end; i += 16) pass_step(pass, d, i, __mmask16(0xffff), lanes);
  if (i < end) pass_step(pass, d, i, __mmask16((1u << (end - i)) - 1u), lanes);
  alignas(64) double lane[8];
  _mm512_store_pd(lane, lanes);
  return ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
}

#undef NSRG_AVX512

}  // namespace nsrg::cpu
