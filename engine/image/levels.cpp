// Output levels: neural-style's min-max stretch, plain clamping, and a per-channel
// percentile stretch ("auto") for the washed-out or off-range results of randomized styles.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "engine/core/error.h"
#include "engine/image/image.h"

namespace nsrg {
namespace {

float clamp01(float v) {
  return v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f;
}  // NaN -> 0

void stretch_min_max(Image& image) {
  float lo = std::numeric_limits<float>::infinity();
  float hi = -std::numeric_limits<float>::infinity();
  for (float v : image.rgb) {
    if (!std::isfinite(v)) continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (lo > hi) return;  // nothing finite to measure
  // As torch's image.minmax: subtract the minimum, divide by the range when it is not 0.
  const double range = static_cast<double>(hi) - lo;
  for (float& v : image.rgb)
    v = range > 0.0 ? static_cast<float>((v - static_cast<double>(lo)) / range) : v - lo;
}

// The p-th percentile (0..100) of the values, interpolating linearly between order
// statistics at rank p / 100 * (n - 1). `values` is reordered.
double percentile(std::vector<float>& values, double p) {
  const double rank = p / 100.0 * (values.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(rank));
  const size_t above = std::min(below + 1, values.size() - 1);
  std::nth_element(values.begin(), values.begin() + below, values.end());
  const double low_value = values[below];
  if (above == below) return low_value;
  // The next order statistic is the minimum of the upper part.
  const double high_value = *std::min_element(values.begin() + below + 1, values.end());
  return low_value + (rank - below) * (high_value - low_value);
}

void stretch_percentiles(Image& image, double low_percentile, double high_percentile) {
  const size_t pixels = image.rgb.size() / 3;
  std::vector<float> channel;
  channel.reserve(pixels);
  for (int c = 0; c < 3; ++c) {
    channel.clear();
    for (size_t i = 0; i < pixels; ++i)
      if (std::isfinite(image.rgb[3 * i + c])) channel.push_back(image.rgb[3 * i + c]);
    double lo = 0.0, hi = 0.0;
    if (!channel.empty()) {
      lo = percentile(channel, low_percentile);
      hi = percentile(channel, high_percentile);
    }
    const double range = hi - lo;
    for (size_t i = 0; i < pixels; ++i) {
      float& v = image.rgb[3 * i + c];
      if (range > 0.0) v = static_cast<float>((v - lo) / range);
      v = clamp01(v);
    }
  }
}

}  // namespace

LevelsMode parse_levels_mode(const std::string& name) {
  if (std::optional<LevelsMode> mode = value_in(kLevelsModeNames, name)) return *mode;
  throw UserError(msg("levels: unknown mode \"", name, "\" (use minmax, clamp or auto)"));
}

void apply_levels(Image& image, LevelsMode mode, double low_percentile, double high_percentile) {
  NSRG_CHECK(0.0 <= low_percentile && low_percentile < high_percentile && high_percentile <= 100.0,
             "levels percentiles must satisfy 0 <= low < high <= 100, got ", low_percentile,
             " and ", high_percentile);
  switch (mode) {
    case LevelsMode::MinMax:
      stretch_min_max(image);
      return;
    case LevelsMode::Clamp:
      for (float& v : image.rgb) v = clamp01(v);
      return;
    case LevelsMode::Auto:
      stretch_percentiles(image, low_percentile, high_percentile);
      return;
  }
}

}  // namespace nsrg
