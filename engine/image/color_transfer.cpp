// The colour transfers of color_transfer.h: luminance images, luminance matching, and the
// histogram and linear (Cholesky) colour matches, all computed in double.
#include "engine/image/color_transfer.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "engine/core/error.h"

namespace nsrg {
namespace {

using Matrix3 = std::array<std::array<double, 3>, 3>;

size_t pixel_count(const Image& image) {
  NSRG_CHECK(image.width > 0 && image.height > 0 &&
                 image.rgb.size() == size_t(image.width) * size_t(image.height) * 3,
             "colour transfer of an empty or malformed ", image.width, "x", image.height, " image");
  return size_t(image.width) * size_t(image.height);
}

// Lower Cholesky factor of a covariance, with a floor on the diagonal so that a flat or
// two-colour image (a singular covariance) still has one: 1e-6 of the trace, at least 1e-12.
Matrix3 cholesky(const Matrix3& covariance) {
  const double floor =
      std::max(1e-12, 1e-6 * (covariance[0][0] + covariance[1][1] + covariance[2][2]));
  Matrix3 l{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j <= i; ++j) {
      double sum = covariance[i][j] + (i == j ? floor : 0.0);
      for (int k = 0; k < j; ++k) sum -= l[i][k] * l[j][k];
      if (i == j)
        l[i][i] = std::sqrt(std::max(sum, floor));
      else
        l[i][j] = sum / l[j][j];
    }
  return l;
}

// The inverse of a lower triangular matrix (forward substitution on the identity).
Matrix3 lower_inverse(const Matrix3& l) {
  Matrix3 inverse{};
  for (int column = 0; column < 3; ++column)
    for (int i = 0; i < 3; ++i) {
      double sum = i == column ? 1.0 : 0.0;
      for (int k = 0; k < i; ++k) sum -= l[i][k] * inverse[k][column];
      inverse[i][column] = sum / l[i][i];
    }
  return inverse;
}

Matrix3 product(const Matrix3& a, const Matrix3& b) {
  Matrix3 out{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k) out[i][j] += a[i][k] * b[k][j];
  return out;
}

Image linear_match(const Image& style, const Image& content) {
  const ColorStatistics s = color_statistics(style), c = color_statistics(content);
  const Matrix3 a = product(cholesky(c.covariance), lower_inverse(cholesky(s.covariance)));
  Image out = style;
  const size_t pixels = pixel_count(style);
  for (size_t p = 0; p < pixels; ++p) {
    const float* in = style.rgb.data() + 3 * p;
    for (int i = 0; i < 3; ++i) {
      double value = c.mean[size_t(i)];
      for (int k = 0; k < 3; ++k) value += a[i][k] * (double(in[k]) - s.mean[size_t(k)]);
      out.rgb[3 * p + size_t(i)] = float(value);
    }
  }
  return out;
}

// Channel by channel: the style pixel of rank r (ties in pixel order) takes the content
// channel's value at quantile (r + 1/2) / n_style, the nearest of the sorted content values.
Image histogram_match(const Image& style, const Image& content) {
  const size_t style_pixels = pixel_count(style), content_pixels = pixel_count(content);
  Image out = style;
  std::vector<size_t> order(style_pixels);
  std::vector<float> sorted(content_pixels);
  for (size_t channel = 0; channel < 3; ++channel) {
    for (size_t p = 0; p < content_pixels; ++p) sorted[p] = content.rgb[3 * p + channel];
    std::sort(sorted.begin(), sorted.end());
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return style.rgb[3 * a + channel] < style.rgb[3 * b + channel];
    });
    for (size_t rank = 0; rank < style_pixels; ++rank) {
      const double quantile = (double(rank) + 0.5) / double(style_pixels);
      const size_t index = std::min(content_pixels - 1, size_t(quantile * double(content_pixels)));
      out.rgb[3 * order[rank] + channel] = sorted[index];
    }
  }
  return out;
}

struct LumaMoments {
  double mean = 0.0, deviation = 0.0;
};

LumaMoments luma_moments(const Image& image) {
  const size_t pixels = pixel_count(image);
  double sum = 0.0, squares = 0.0;
  for (size_t p = 0; p < pixels; ++p) sum += luma(image.rgb.data() + 3 * p);
  const double mean = sum / double(pixels);
  for (size_t p = 0; p < pixels; ++p) {
    const double d = luma(image.rgb.data() + 3 * p) - mean;
    squares += d * d;
  }
  return {mean, std::sqrt(squares / double(pixels))};
}

}  // namespace

ColorStatistics color_statistics(const Image& image) {
  const size_t pixels = pixel_count(image);
  ColorStatistics stats;
  for (size_t p = 0; p < pixels; ++p)
    for (size_t i = 0; i < 3; ++i) stats.mean[i] += image.rgb[3 * p + i];
  for (double& mean : stats.mean) mean /= double(pixels);
  for (size_t p = 0; p < pixels; ++p)
    for (size_t i = 0; i < 3; ++i)
      for (size_t j = 0; j < 3; ++j)
        stats.covariance[i][j] +=
            (image.rgb[3 * p + i] - stats.mean[i]) * (image.rgb[3 * p + j] - stats.mean[j]);
  for (auto& row : stats.covariance)
    for (double& value : row) value /= double(pixels);
  return stats;
}

Image luminance_image(const Image& image) {
  const size_t pixels = pixel_count(image);
  Image out = image;
  for (size_t p = 0; p < pixels; ++p) {
    const float y = float(luma(image.rgb.data() + 3 * p));
    for (size_t c = 0; c < 3; ++c) out.rgb[3 * p + c] = y;
  }
  return out;
}

Image matched_luminance(const Image& style, const Image& content) {
  const LumaMoments s = luma_moments(style), c = luma_moments(content);
  const double gain = s.deviation > 0.0 ? c.deviation / s.deviation : 0.0;
  const size_t pixels = pixel_count(style);
  Image out = style;
  for (size_t p = 0; p < pixels; ++p) {
    const float y = float(gain * (luma(style.rgb.data() + 3 * p) - s.mean) + c.mean);
    for (size_t channel = 0; channel < 3; ++channel) out.rgb[3 * p + channel] = y;
  }
  return out;
}

Image matched_colors(const Image& style, const Image& content, ColorMatch match) {
  switch (match) {
    case ColorMatch::None:
      return style;
    case ColorMatch::Histogram:
      return histogram_match(style, content);
    case ColorMatch::Linear:
      return linear_match(style, content);
  }
  NSRG_CHECK(false, "unknown colour match ", int(match));
}

}  // namespace nsrg
