// CudaBackend Gram matrices on cuBLAS, and mask_features (a region's masked features, a
// kernels/elementwise.cu kernel).
//
// F is the features [1,C,H,W] as a row-major C x HW matrix. cuBLAS is column-major, so the
// same memory is the column-major HW x C matrix F^T (leading dimension HW).
//   gram:  G = scale F F^T = scale (F^T)^T (F^T): SSYRK with trans = T, n = C, k = HW,
//          lda = HW, ldc = C. It fills the column-major lower triangle, i.e. the row-major
//          upper one (elements G[a*C + b], b >= a), which a kernel mirrors.
//   gram_backward: dF = scale S F with S = dG + dG^T (exactly symmetric, from a kernel).
//          Column-major: dF^T = scale F^T S^T = scale F^T S, an SGEMM (N, N) with m = HW,
//          n = C, k = C; A = F^T (lda = HW), B = S (ldb = C, the same matrix in either
//          order), C = dF^T (ldc = HW).
#include "engine/core/error.h"
#include "engine/core/shape_checks.h"
#include "engine/cuda/cuda_backend_impl.h"
#include "engine/cuda/cuda_check.h"

namespace nsrg {

void CudaBackend::gram(const Tensor& features, float scale, Tensor& gram) {
  (void)float_values(features);
  (void)float_output(gram);
  check_gram_shapes(features, gram);
  NSRG_CHECK(features.data() != gram.data(), "gram: output aliases the features");
  const int channels = features.shape().c;
  const int pixels = features.shape().h * features.shape().w;
  const float zero = 0.0f;
  NSRG_CUBLAS_CHECK(cublasSsyrk(cublas_.get(), CUBLAS_FILL_MODE_LOWER, CUBLAS_OP_T, channels,
                                pixels, &scale, features.data(), pixels, &zero, gram.data(),
                                channels));
  kernels::launch_mirror_upper_to_lower(gram.data(), channels, stream());
}

void CudaBackend::gram_backward(const Tensor& features, const Tensor& dgram, float scale,
                                Tensor& dfeatures) {
  (void)float_values(features);
  (void)float_values(dgram);
  (void)float_output(dfeatures);
  check_gram_shapes(features, dgram);
  NSRG_CHECK(dfeatures.numel() == features.numel(), "gram_backward dfeatures ",
             dfeatures.shape().str(), " for features ", features.shape().str());
  NSRG_CHECK(dfeatures.data() != features.data(), "gram_backward: output aliases the features");
  const int channels = features.shape().c;
  const int pixels = features.shape().h * features.shape().w;
  DeviceBuffer symmetric(*pool_, size_t(channels) * size_t(channels) * sizeof(float));
  kernels::launch_add_transpose(dgram.data(), symmetric.as<float>(), channels, stream());
  const float zero = 0.0f;
  NSRG_CUBLAS_CHECK(cublasSgemm(cublas_.get(), CUBLAS_OP_N, CUBLAS_OP_N, pixels, channels, channels,
                                &scale, features.data(), pixels, symmetric.as<float>(), channels,
                                &zero, dfeatures.data(), pixels));
}

void CudaBackend::mask_features(const Tensor& features, const Tensor& mask, Tensor& out) {
  (void)float_values(features);
  (void)float_values(mask);
  (void)float_output(out);
  check_mask_shapes(features, mask, out);
  const size_t plane = size_t(features.shape().h) * size_t(features.shape().w);
  kernels::launch_mask_features(features.data(), mask.data(), out.data(), plane, features.numel(),
                                stream());
}

}  // namespace nsrg
