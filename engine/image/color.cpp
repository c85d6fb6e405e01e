// original_colors: the generated image's luminance with the content image's chroma (YUV).
#include <array>

#include "engine/core/error.h"
#include "engine/image/color_transfer.h"
#include "engine/image/image.h"

namespace nsrg {
namespace {

using Matrix3 = std::array<std::array<double, 3>, 3>;

constexpr Matrix3 kRgbToYuv{{{kLumaWeights[0], kLumaWeights[1], kLumaWeights[2]},
                             {-0.14713, -0.28886, 0.436},
                             {0.615, -0.51499, -0.10001}}};

Matrix3 inverse(const Matrix3& m) {
  Matrix3 cofactor{};
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) {
      const int r1 = (r + 1) % 3, r2 = (r + 2) % 3, c1 = (c + 1) % 3, c2 = (c + 2) % 3;
      cofactor[r][c] = m[r1][c1] * m[r2][c2] - m[r1][c2] * m[r2][c1];
    }
  const double det = m[0][0] * cofactor[0][0] + m[0][1] * cofactor[0][1] + m[0][2] * cofactor[0][2];
  NSRG_CHECK(det != 0.0, "singular colour matrix");
  Matrix3 result{};
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) result[r][c] = cofactor[c][r] / det;  // adjugate / det
  return result;
}

}  // namespace

Image original_colors(const Image& generated, const Image& content) {
  NSRG_CHECK(generated.width > 0 && generated.height > 0, "original_colors of an empty image");
  static const Matrix3 kYuvToRgb = inverse(kRgbToYuv);
  const Image resized_content =
      (content.width == generated.width && content.height == generated.height)
          ? Image{}
          : resize(content, generated.width, generated.height);
  const Image& chroma_source = resized_content.rgb.empty() ? content : resized_content;

  Image result = generated;
  const long long pixels = static_cast<long long>(generated.width) * generated.height;
  const float* gen = generated.rgb.data();
  const float* con = chroma_source.rgb.data();
  float* out = result.rgb.data();
#pragma omp parallel for schedule(static) if (pixels > (1 << 16))
  for (long long i = 0; i < pixels; ++i) {
    const float* g = gen + 3 * i;
    const float* k = con + 3 * i;
    const double yuv[3] = {
        kRgbToYuv[0][0] * g[0] + kRgbToYuv[0][1] * g[1] + kRgbToYuv[0][2] * g[2],
        kRgbToYuv[1][0] * k[0] + kRgbToYuv[1][1] * k[1] + kRgbToYuv[1][2] * k[2],
        kRgbToYuv[2][0] * k[0] + kRgbToYuv[2][1] * k[1] + kRgbToYuv[2][2] * k[2]};
    for (int c = 0; c < 3; ++c)
      out[3 * i + c] = static_cast<float>(kYuvToRgb[c][0] * yuv[0] + kYuvToRgb[c][1] * yuv[1] +
                                          kYuvToRgb[c][2] * yuv[2]);
  }
  return result;
}

}  // namespace nsrg
