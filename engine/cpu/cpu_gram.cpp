// CPU Gram matrices: G = scale F F^T and its backward dF = scale (dG + dG^T) F, as GEMMs
// (and mask_features, the per-position weights of a region's masked Gram)
// in a fixed order (cpu_gemm.h: the H*W sum of G is cut into fixed chunks whose partials are
// added in order; OpenBLAS SSYRK/SSYMM were 2-4x slower here, see cpu_gemm.h). The upper
// triangle of G is mirrored into the lower so G is exactly symmetric. F is the [1,C,H,W]
// features viewed as a C x HW row-major matrix. The triangle steps are
// engine/core/square_matrix_rules.h's, which the CUDA kernels run too.

#include <vector>

#include "engine/core/elementwise_rules.h"
#include "engine/core/error.h"
#include "engine/core/shape_checks.h"
#include "engine/core/square_matrix_rules.h"
#include "engine/cpu/cpu_backend_impl.h"
#include "engine/cpu/cpu_gemm.h"
#include "engine/cpu/cpu_parallel.h"

namespace nsrg {

void CpuBackend::gram(const Tensor& features, float scale, Tensor& gram) {
  check_gram_shapes(features, gram);
  const int channels = features.shape().c;
  const int pixels = features.shape().h * features.shape().w;
  const float* f = float_values(features);
  float* g = float_output(gram);
  cpu::fixed_order_sgemm(threads_, false, true, channels, channels, pixels, scale, f, pixels, f,
                         pixels, g, channels, gram_tile_depth_);
  const size_t c = size_t(channels);
  for (size_t i = 0; i < c; ++i)
    for (size_t j = i + 1; j < c; ++j) mirror_upper_to_lower_element(g, c, j, i);
}

void CpuBackend::gram_backward(const Tensor& features, const Tensor& dgram, float scale,
                               Tensor& dfeatures) {
  check_gram_shapes(features, dgram);
  NSRG_CHECK(dfeatures.numel() == features.numel(), "gram_backward dfeatures ",
             dfeatures.shape().str(), " for features ", features.shape().str());
  const int channels = features.shape().c;
  const int pixels = features.shape().h * features.shape().w;
  const float* f = float_values(features);
  const float* dg = float_values(dgram);
  std::vector<float> symmetric(size_t(channels) * channels);
  const size_t c = size_t(channels);
  for (size_t i = 0; i < c; ++i)
    for (size_t j = 0; j < c; ++j) add_transpose_element(dg, symmetric.data(), c, i, j);
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
