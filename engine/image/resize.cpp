// Antialiased resampling: a separable Lanczos-3 filter whose support widens by the
// downscale factor, edge pixels clamped, in linear float; and resize_longest_side.
#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/core/error.h"
#include "engine/image/image.h"

namespace nsrg {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kLanczosRadius = 3.0;

double sinc(double x) {
  if (x == 0.0) return 1.0;
  const double px = kPi * x;
  return std::sin(px) / px;
}

double lanczos3(double x) {
  return std::abs(x) < kLanczosRadius ? sinc(x) * sinc(x / kLanczosRadius) : 0.0;
}

// For each output sample along one axis: the first input index and tap_count weights
// (normalized to sum 1) over consecutive input samples. Taps outside the input are folded
// onto the nearest edge sample (clamping), so the input range is always contiguous.
struct ResampleTaps {
  int tap_count = 0;           // stride of `weights`
  std::vector<int> first;      // [out]
  std::vector<int> count;      // [out], <= tap_count
  std::vector<float> weights;  // [out * tap_count]
};

ResampleTaps make_taps(int in_size, int out_size) {
  const double scale = static_cast<double>(in_size) / out_size;
  const double filter_scale = std::max(scale, 1.0);  // widen the filter when shrinking
  const double support = kLanczosRadius * filter_scale;

  ResampleTaps taps;
  taps.tap_count = std::min(in_size, static_cast<int>(std::ceil(2.0 * support)) + 2);
  taps.first.resize(out_size);
  taps.count.resize(out_size);
  taps.weights.assign(static_cast<size_t>(out_size) * taps.tap_count, 0.0f);

  std::vector<double> folded(in_size);
  for (int i = 0; i < out_size; ++i) {
    const double center = (i + 0.5) * scale;
    const int begin = static_cast<int>(std::floor(center - support));
    const int end = static_cast<int>(std::ceil(center + support));
    const int lo = std::clamp(begin, 0, in_size - 1);
    const int hi = std::clamp(end, 0, in_size - 1);
    std::fill(folded.begin() + lo, folded.begin() + hi + 1, 0.0);
    double total = 0.0;
    for (int x = begin; x <= end; ++x) {
      const double w = lanczos3((x + 0.5 - center) / filter_scale);
      if (w == 0.0) continue;
      folded[std::clamp(x, 0, in_size - 1)] += w;
      total += w;
    }
    NSRG_CHECK(total > 0.0, "resampling weights sum to ", total);
    // Trim zero weights at both ends, then store normalized.
    int first = lo, last = hi;
    while (first < last && folded[first] == 0.0) ++first;
    while (last > first && folded[last] == 0.0) --last;
    const int count = last - first + 1;
    NSRG_CHECK(count <= taps.tap_count, "resampling needs ", count, " taps, room for ",
               taps.tap_count);
    taps.first[i] = first;
    taps.count[i] = count;
    float* weights = &taps.weights[static_cast<size_t>(i) * taps.tap_count];
    for (int k = 0; k < count; ++k) weights[k] = static_cast<float>(folded[first + k] / total);
  }
  return taps;
}

// Resamples each row: in is width_in x height, out is width_out x height (RGB interleaved).
void resample_rows(const float* in, int width_in, int height, const ResampleTaps& taps,
                   int width_out, float* out) {
#pragma omp parallel for schedule(static) if (static_cast <long long>(width_out) * height > 4096)
  for (int y = 0; y < height; ++y) {
    const float* row_in = in + static_cast<size_t>(y) * width_in * 3;
    float* row_out = out + static_cast<size_t>(y) * width_out * 3;
    for (int x = 0; x < width_out; ++x) {
      const float* weights = &taps.weights[static_cast<size_t>(x) * taps.tap_count];
      const float* source = row_in + static_cast<size_t>(taps.first[x]) * 3;
      float r = 0.0f, g = 0.0f, b = 0.0f;
      for (int k = 0; k < taps.count[x]; ++k) {
        r += weights[k] * source[3 * k];
        g += weights[k] * source[3 * k + 1];
        b += weights[k] * source[3 * k + 2];
      }
      row_out[3 * x] = r;
      row_out[3 * x + 1] = g;
      row_out[3 * x + 2] = b;
    }
  }
}

// Resamples each column: in is width x height_in, out is width x height_out.
void resample_columns(const float* in, int width, const ResampleTaps& taps, int height_out,
                      float* out) {
  const size_t row_floats = static_cast<size_t>(width) * 3;
#pragma omp parallel for schedule(static) if (static_cast <long long>(width) * height_out > 4096)
  for (int y = 0; y < height_out; ++y) {
    float* row_out = out + static_cast<size_t>(y) * row_floats;
    std::fill(row_out, row_out + row_floats, 0.0f);
    const float* weights = &taps.weights[static_cast<size_t>(y) * taps.tap_count];
    for (int k = 0; k < taps.count[y]; ++k) {
      const float w = weights[k];
      const float* row_in = in + static_cast<size_t>(taps.first[y] + k) * row_floats;
      for (size_t i = 0; i < row_floats; ++i) row_out[i] += w * row_in[i];
    }
  }
}

}  // namespace

Image resize(const Image& image, int width, int height) {
  NSRG_CHECK(image.width > 0 && image.height > 0, "cannot resize an empty image");
  NSRG_CHECK(image.rgb.size() == static_cast<size_t>(image.width) * image.height * 3,
             "image buffer size does not match ", image.width, " x ", image.height);
  NSRG_CHECK(width > 0 && height > 0, "resize to ", width, " x ", height);
  if (width == image.width && height == image.height) return image;

  Image result;
  result.width = width;
  result.height = height;
  result.rgb.resize(static_cast<size_t>(width) * height * 3);
  if (height == image.height) {
    resample_rows(image.rgb.data(), image.width, image.height, make_taps(image.width, width), width,
                  result.rgb.data());
    return result;
  }
  const float* source = image.rgb.data();  // width x image.height after the horizontal pass
  std::vector<float> rows_resampled;
  if (width != image.width) {
    rows_resampled.resize(static_cast<size_t>(width) * image.height * 3);
    resample_rows(image.rgb.data(), image.width, image.height, make_taps(image.width, width), width,
                  rows_resampled.data());
    source = rows_resampled.data();
  }
  resample_columns(source, width, make_taps(image.height, height), height, result.rgb.data());
  return result;
}

Image resize_longest_side(const Image& image, int longest) {
  NSRG_CHECK(longest >= 1, "resize_longest_side to ", longest);
  NSRG_CHECK(image.width > 0 && image.height > 0, "cannot resize an empty image");
  const bool wide = image.width >= image.height;
  const double ratio = wide ? static_cast<double>(image.height) / image.width
                            : static_cast<double>(image.width) / image.height;
  const int other = std::max(1, static_cast<int>(std::lround(ratio * longest)));
  return wide ? resize(image, longest, other) : resize(image, other, longest);
}

}  // namespace nsrg
