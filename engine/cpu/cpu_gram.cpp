// CPU Gram matrices: G = scale F F^T and its backward dF = scale (dG + dG^T) F, as GEMMs
// (and mask_features, the per-position weights of a region's masked Gram)
// in a fixed order (cpu_gemm.h: the H*W sum of G is cut into fixed chunks whose partials are
// added in order; OpenBLAS SSYRK/SSYMM were 2-4x slower here, see cpu_gemm.h). The upper
// triangle of G is mirrored into the lower so G is exactly symmetric. F is the [1,C,H,W]
// features viewed as a C x HW row-major matrix. The triangle steps are
// engine/core/square_matrix_rules.h's, which the CUDA kernels run too.
// bf16 NHWC features (precision "bf16") are multiplied in that layout, F viewed as the
// HW x C matrix, as bf16 x bf16 -> float32 products (cpu_bf16_gemm.h, AMX where present);
// the backward pass rounds dG + dG^T to bf16 and writes its gradient float32 NHWC
// (cpu_bf16_layout.h), so no Tensor leaves the layouts on the way.

#include <vector>

#include "engine/core/elementwise_rules.h"
#include "engine/core/error.h"
#include "engine/core/ring_values.h"
#include "engine/core/shape_checks.h"
#include "engine/core/square_matrix_rules.h"
#include "engine/cpu/cpu_backend_impl.h"
#include "engine/cpu/cpu_bf16_gemm.h"
#include "engine/cpu/cpu_gemm.h"
#include "engine/cpu/cpu_parallel.h"

namespace nsrg {

namespace {
// Rows of the gradient per tile of the bf16 Gram backward (a HW x C product of depth C).
constexpr long kBackwardTileRows = 256;

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
    // F^T F of the NHWC matrix F (HW x C, row-major) in bf16 with float32 accumulation.
    const auto* f = reinterpret_cast<const uint16_t*>(features.data());
    bf16_gemm_->multiply(threads_, channels, channels, pixels, scale, {f, 1, channels},
                         {f, channels, 1}, float_output(gram), channels, cpu::kGemmTileRows,
                         gram_tile_depth_);
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
    // dF^T = F^T (dG + dG^T) on the NHWC matrix, the symmetric factor rounded to bf16 (by
    // float_to_bf16); the gradient comes out float32 NHWC.
    std::vector<uint16_t> rounded(symmetric.size());
    for (size_t i = 0; i < symmetric.size(); ++i) rounded[i] = float_to_bf16(symmetric[i]);
    const auto* f = reinterpret_cast<const uint16_t*>(features.data());
    bf16_gemm_->multiply(threads_, pixels, channels, channels, scale, {f, channels, 1},
                         {rounded.data(), channels, 1}, dfeatures.data(), channels,
                         kBackwardTileRows, cpu::kGemmTileDepth);
    layouts_.mark(dfeatures.data(), features.shape(), cpu::PrivateLayout::F32Nhwc);
    return;
  }
  const float* f = float_values(features);
  cpu::fixed_order_sgemm(threads_, false, false, channels, pixels, channels, scale,
                         symmetric.data(), channels, f, pixels, float_output(dfeatures), pixels);
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
