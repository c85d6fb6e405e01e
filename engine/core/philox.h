// Philox4x32-10 counter-based random numbers, for host and device code alike.
//
// One generator serves the whole project (random init, the built-in model's weights, the
// style randomization). A stream is keyed by (seed, variant, layer, purpose) and indexed by
// element, so any element can be drawn independently, in any order, on the CPU or the GPU,
// and both give the same bits. Uniform draws are bit-identical on host and device; normal
// draws use Box-Muller in double precision and agree to within an ulp or two of float.
#pragma once

#include <cstdint>
#if !defined(__CUDACC__)
#include <cmath>
#endif

#include "engine/core/host_device.h"

namespace nsrg {

struct Philox4x32 {
  uint32_t v[4];
};

// What a stream of random numbers is for; part of the counter, so streams never overlap.
enum class RandomPurpose : uint32_t {
  InitImage = 1,
  ModelWeights = 2,
  EigenvectorScale = 3,
  EigenvectorReplace = 4,
  RandomGram = 5,
  EigenvalueScale = 6,
  Test = 255,
};

NSRG_HOST_DEVICE void philox_mulhilo(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
  const uint64_t product = uint64_t(a) * uint64_t(b);
  hi = uint32_t(product >> 32);
  lo = uint32_t(product);
}

// The Philox4x32 bijection with 10 rounds (Salmon et al., SC'11).
NSRG_HOST_DEVICE Philox4x32 philox4x32_10(Philox4x32 counter, uint32_t key0, uint32_t key1) {
  const uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
  const uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    uint32_t hi0, lo0, hi1, lo1;
    philox_mulhilo(kMul0, counter.v[0], hi0, lo0);
    philox_mulhilo(kMul1, counter.v[2], hi1, lo1);
    counter = Philox4x32{{hi1 ^ counter.v[1] ^ key0, lo1, hi0 ^ counter.v[3] ^ key1, lo0}};
    key0 += kWeyl0;
    key1 += kWeyl1;
  }
  return counter;
}

// The key of one random stream.
struct RandomStream {
  uint64_t seed = 0;
  uint32_t variant = 0;
  uint32_t layer = 0;
  RandomPurpose purpose = RandomPurpose::Test;

  // Four raw 32-bit words for block `block` (elements 4*block .. 4*block+3).
  NSRG_HOST_DEVICE Philox4x32 block(uint32_t block_index) const {
    const Philox4x32 counter{{block_index, variant, layer, uint32_t(purpose)}};
    return philox4x32_10(counter, uint32_t(seed), uint32_t(seed >> 32));
  }

  NSRG_HOST_DEVICE uint32_t bits(uint64_t element) const {
    return block(uint32_t(element >> 2)).v[element & 3];
  }

  // Uniform float in [0, 1): the top 24 bits, exactly representable.
  NSRG_HOST_DEVICE float uniform(uint64_t element) const {
    return float(bits(element) >> 8) * (1.0f / 16777216.0f);
  }

  // Uniform float in [lo, hi), computed with one fused multiply-add on host and device.
  NSRG_HOST_DEVICE float uniform(uint64_t element, float lo, float hi) const {
    return fmaf(uniform(element), hi - lo, lo);
  }

  // Standard normal by Box-Muller on the pair of words (2k, 2k+1) of a block.
  NSRG_HOST_DEVICE float normal(uint64_t element) const {
    const Philox4x32 words = block(uint32_t(element >> 2));
    const int pair = int(element & 2);
    float z_cos, z_sin;
    box_muller(words.v[pair], words.v[pair + 1], z_cos, z_sin);
    return (element & 1) ? z_sin : z_cos;
  }

  // normal(4 * block_index + j) for j = 0..3 from one Philox evaluation (for bulk draws).
  NSRG_HOST_DEVICE void normals4(uint32_t block_index, float out[4]) const {
    const Philox4x32 words = block(block_index);
    box_muller(words.v[0], words.v[1], out[0], out[1]);
    box_muller(words.v[2], words.v[3], out[2], out[3]);
  }

  // Two independent standard normals from two 32-bit words, in double precision.
  NSRG_HOST_DEVICE static void box_muller(uint32_t a, uint32_t b, float& z_cos, float& z_sin) {
    // u1 in (0, 1] so the logarithm is finite; u2 in [0, 1).
    const double u1 = (double(a) + 1.0) * (1.0 / 4294967296.0);
    const double u2 = double(b) * (1.0 / 4294967296.0);
    const double radius = sqrt(-2.0 * log(u1));
    const double angle = 6.283185307179586476925 * u2;
    z_cos = float(radius * cos(angle));
    z_sin = float(radius * sin(angle));
  }
};

}  // namespace nsrg
