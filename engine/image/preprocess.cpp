// Network input conversion: interleaved RGB [0,1] <-> planar CHW in the weights' channel
// order, scale, mean and std (engine/core/preprocess.h), and the inverse.
#include <array>

#include "engine/core/error.h"
#include "engine/image/image.h"

namespace nsrg {

std::vector<float> preprocess_image(const Image& image, const Preprocess& p) {
  NSRG_CHECK(image.rgb.size() == static_cast<size_t>(image.width) * image.height * 3,
             "image buffer size does not match ", image.width, " x ", image.height);
  const long long plane = static_cast<long long>(image.width) * image.height;
  std::vector<float> chw(static_cast<size_t>(plane) * 3);
  const float* rgb = image.rgb.data();
  float* planes[3] = {chw.data(), chw.data() + plane, chw.data() + 2 * plane};
  int source[3];
  for (int c = 0; c < 3; ++c) source[c] = p.bgr ? 2 - c : c;
  const float scale = p.scale;
  const std::array<float, 3> mean = p.mean;
  std::array<float, 3> inverse_std;
  for (int c = 0; c < 3; ++c) {
    NSRG_CHECK(p.std[c] > 0.0f, "preprocess std[", c, "] is ", p.std[c]);
    inverse_std[c] = 1.0f / p.std[c];
  }
#pragma omp parallel for schedule(static) if (plane > (1 << 16))
  for (long long i = 0; i < plane; ++i)
    for (int c = 0; c < 3; ++c)
      planes[c][i] = (rgb[3 * i + source[c]] * scale - mean[c]) * inverse_std[c];
  return chw;
}

Image deprocess_image(const float* chw, int width, int height, const Preprocess& p) {
  NSRG_CHECK(width > 0 && height > 0, "deprocess to ", width, " x ", height);
  NSRG_CHECK(p.scale != 0.0f, "preprocess scale is 0");
  Image image;
  image.width = width;
  image.height = height;
  const long long plane = static_cast<long long>(width) * height;
  image.rgb.resize(static_cast<size_t>(plane) * 3);
  float* rgb = image.rgb.data();
  const float* planes[3] = {chw, chw + plane, chw + 2 * plane};
  int target[3];
  for (int c = 0; c < 3; ++c) target[c] = p.bgr ? 2 - c : c;
  const float scale = p.scale;
  const std::array<float, 3> mean = p.mean;
  const std::array<float, 3> std = p.std;
#pragma omp parallel for schedule(static) if (plane > (1 << 16))
  for (long long i = 0; i < plane; ++i)
    for (int c = 0; c < 3; ++c)
      rgb[3 * i + target[c]] = (planes[c][i] * std[c] + mean[c]) / scale;
  return image;
}

}  // namespace nsrg
