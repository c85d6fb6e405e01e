// The element rules of the Backend ops that make one pass over arrays: fill, bias add, the
// masked features of a region's Gram, ReLU forward and backward, axpy and scale, Adam's helpers
// (add_product, add_quotient, sqrt_plus) and the value of an op's coefficient. Each function does
// element i's whole step; the CPU backend calls it from its OpenMP loops and the CUDA kernels from
// their grid-stride loops, so both backends compute every element with this one definition (the
// kernels are built with --fmad=false, so the GPU rounds each operation as the CPU does).
#pragma once

#include <cmath>
#include <cstddef>

#include "engine/core/host_device.h"

namespace nsrg {

// An op's coefficient: `constant`, times *scalar when scalar is set (a scalar slot: a tensor
// element on the CPU, device memory read inside the kernel on the GPU).
NSRG_HOST_DEVICE float coefficient_value(float constant, const float* scalar) {
  return scalar != nullptr ? constant * *scalar : constant;
}

NSRG_HOST_DEVICE void fill_element(float* dst, size_t i, float value) {
  dst[i] = value;
}

// y[i] += the bias of i's channel, y being planes of `plane` elements, `channels` planes an
// image (NCHW).
NSRG_HOST_DEVICE void bias_add_element(float* y, const float* bias, int channels, size_t plane,
                                       size_t i) {
  y[i] += bias[(i / plane) % size_t(channels)];
}

// out[i] = f[i] times the mask value of i's position, f being planes of `plane` elements
// (NCHW features) and mask one plane (a region's weight per position, [[regions]]).
NSRG_HOST_DEVICE void mask_features_element(const float* f, const float* mask, float* out,
                                            size_t plane, size_t i) {
  out[i] = f[i] * mask[i % plane];
}

NSRG_HOST_DEVICE void relu_forward_element(const float* x, float* y, size_t i) {
  y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

// dx = dy where y > 0, else 0 (dy and dx may alias). dy is read unconditionally, so the
// compiler makes a select of it, not a branch.
NSRG_HOST_DEVICE void relu_backward_element(const float* y, const float* dy, float* dx, size_t i) {
  const float gradient = dy[i];
  dx[i] = y[i] > 0.0f ? gradient : 0.0f;
}

// y += alpha x
NSRG_HOST_DEVICE void axpy_element(float alpha, const float* x, float* y, size_t i) {
  y[i] += alpha * x[i];
}

// x *= alpha
NSRG_HOST_DEVICE void scale_element(float alpha, float* x, size_t i) {
  x[i] *= alpha;
}

// y += (alpha a) b   (Adam's moment updates)
NSRG_HOST_DEVICE void add_product_element(float alpha, const float* a, const float* b, float* y,
                                          size_t i) {
  y[i] += alpha * a[i] * b[i];
}

// y += (alpha a) / b   (Adam's step)
NSRG_HOST_DEVICE void add_quotient_element(float alpha, const float* a, const float* b, float* y,
                                           size_t i) {
  y[i] += alpha * a[i] / b[i];
}

// y = sqrt(x) + addend, IEEE square root on both sides (Adam's denominator)
NSRG_HOST_DEVICE void sqrt_plus_element(const float* x, float addend, float* y, size_t i) {
#if defined(__CUDA_ARCH__)
  y[i] = sqrtf(x[i]) + addend;
#else
  y[i] = std::sqrt(x[i]) + addend;
#endif
}

}  // namespace nsrg
