// CPU Gram matrices: G = scale F F^T and its backward dF = scale (dG + dG^T) F, as GEMMs
// (and mask_features, the per-position weights of a region's masked Gram)
// in a fixed order (cpu_gemm.h: the H*W sum of G is cut into fixed chunks whose partials are
// added in order; OpenBLAS SSYRK/SSYMM were 2-4x slower here, see cpu_gemm.h). The upper
// triangle of G is mirrored into the lower so G is exactly symmetric. F is the [1,C,H,W]
// features viewed as a C x HW row-major matrix. The triangle steps are
// engine/core/square_matrix_rules.h's, which the CUDA kernels run too.
// bf16 NHWC features (precision "bf16") are widened to float32 NHWC (exact) and multiplied
// in that layout, F viewed as the HW x C matrix; the backward pass then writes its gradient
// float32 NHWC (cpu_bf16_layout.h), so no Tensor leaves the layouts on the way.

#include <vector>

#include "engine/core/elementwise_rules.h"
#include "engine/core/error.h"
#include "engine/core/shape_checks.h"
#include "engine/core/square_matrix_rules.h"
#include "engine/cpu/cpu_backend_impl.h"
#include "engine/cpu/cpu_gemm.h"
#include "engine/cpu/cpu_parallel.h"

namespace nsrg {

namespace {
// G's lower triangle from its upper one, so G is exactly symmetric.
void mirror_upper_to_lower(float* g, size_t c) {
  for (size_t i = 0; i < c; ++i)
    for (size_t j = i + 1; j < c; ++j) mirror_upper_to_lower_element(g, c, j, i);
}

// dG + dG^T, the left factor of the Gram's backward.
std::vector<float> symmetric_sum(const float* dg, size_t c) {
  std::vector<float> symmetric(c * c);
  for (size_t i = 0; i < c; ++i)
    for (size_t j = 0; j < c; ++j) add_transpose_element(dg, symmetric.data(), c, i, j);
  return symmetric;
}
}  // namespace

void CpuBackend::gram(const Tensor& features, float scale, Tensor& gram) {
  check_gram_shapes(features, gram);
  const int channels = features.shape().c;
  const int pixels = features.shape().h * features.shape().w;
  if (holds_bf16(features)) {
    // F^T F of the NHWC matrix (HW x C, row-major), widened to float32 without a transpose.
    const float* f = widened_bf16(features);
    cpu::fixed_order_sgemm(threads_, true, false, channels, channels, pixels, scale, f, channels, f,
                           channels, float_output(gram), channels, gram_tile_depth_);
  } else {
    const float* f = float_values(features);
    cpu::fixed_order_sgemm(threads_, false, true, channels, channels, pixels, scale, f, pixels, f,
                           pixels, float_output(gram), channels, gram_tile_depth_);
  }
  mirror_upper_to_lower(gram.data(), size_t(channels));
}

void CpuBackend::gram_backward(const Tensor& features, const Tensor& dgram, float scale,
                               Tensor& dfeatures) {
  check_gram_shapes(features, dgram);
  NSRG_CHECK(dfeatures.numel() == features.numel(), "gram_backward dfeatures ",
             dfeatures.shape().str(), " for features ", features.shape().str());
  const int channels = features.shape().c;
  const int pixels = features.shape().h * features.shape().w;
  const std::vector<float> symmetric = symmetric_sum(float_values(dgram), size_t(channels));
  if (holds_bf16(features)) {
    // dF^T = F^T (dG + dG^T) on the NHWC matrix: the gradient comes out float32 NHWC.
    const float* f = widened_bf16(features);
    cpu::fixed_order_sgemm(threads_, false, false, pixels, channels, channels, scale, f, channels,
                           symmetric.data(), channels, dfeatures.data(), channels);
    layouts_.mark(dfeatures.data(), features.shape(), cpu::PrivateLayout::F32Nhwc);
    return;
  }
  const float* f = float_values(features);
  cpu::fixed_order_sgemm(threads_, false, false, channels, pixels, channels, scale,
                         symmetric.data(), channels, f, pixels, float_output(dfeatures), pixels);
}

const float* CpuBackend::widened_bf16(const Tensor& tensor) {
  widened_.resize(tensor.numel());
  cpu::bf16_to_f32(tensor.numel(), reinterpret_cast<const uint16_t*>(tensor.data()),
                   widened_.data(), threads_);
  return widened_.data();
}

void CpuBackend::mask_features(const Tensor& features, const Tensor& mask, Tensor& out) {
  check_mask_shapes(features, mask, out);
  const size_t plane = size_t(features.shape().h) * size_t(features.shape().w);
  const float* m = float_values(mask);  // both converted in place: the pointers stay valid
  const float* f = float_values(features);
  float* o = float_output(out);
  cpu::parallel_for(threads_, ptrdiff_t(features.numel()),
                    [=](ptrdiff_t i) { mask_features_element(f, m, o, plane, size_t(i)); });
}

}  // namespace nsrg
