// The decoded-size check and the 8-bit conversion shared by the PNG and JPEG codecs.
#include "engine/image/codec_limits.h"

#include <cmath>

#include "engine/core/error.h"

namespace nsrg::codecs {

std::string dimension_problem(long long width, long long height, long long max_pixels) {
  if (width <= 0 || height <= 0) return msg("image has no pixels (", width, " x ", height, ")");
  if (width > kMaxImageSide || height > kMaxImageSide || width * height > max_pixels)
    return msg("image too large (", width, " x ", height, "; at most ", kMaxImageSide,
               " per side and ", max_pixels, " pixels, which take up to ",
               double(max_pixels * kDecodeBytesPerPixel) / (1 << 30), " GiB to decode)");
  return {};
}

std::vector<unsigned char> to_rgb8(const Image& image) {
  std::vector<unsigned char> bytes(image.rgb.size());
  for (size_t i = 0; i < bytes.size(); ++i) {
    const float v = image.rgb[i];
    const float clamped = v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f;  // NaN -> 0
    bytes[i] = static_cast<unsigned char>(std::lround(clamped * 255.0f));
  }
  return bytes;
}

}  // namespace nsrg::codecs
