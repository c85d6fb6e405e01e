// Colour control of style transfer (style.color and style.color_match): the luminance-only
// transfer and the recolouring of a style image to the content image's colour statistics, as
// Gatys et al. describe them in "Controlling Perceptual Factors in Neural Style Transfer"
// (CVPR 2017, section 5), and the colour statistics they are tested by.
#pragma once

#include <array>

#include "engine/core/color_control.h"  // StyleColor, ColorMatch
#include "engine/image/image.h"

namespace nsrg {

// Luma, Y = .299 R + .587 G + .114 B (the Y of original_colors' YUV).
inline constexpr double kLumaWeights[3] = {0.299, 0.587, 0.114};
inline double luma(const float* rgb) {
  return kLumaWeights[0] * rgb[0] + kLumaWeights[1] * rgb[1] + kLumaWeights[2] * rgb[2];
}

// The mean and covariance (divided by the pixel count) of an image's RGB values, in double.
struct ColorStatistics {
  std::array<double, 3> mean{};
  std::array<std::array<double, 3>, 3> covariance{};
};
ColorStatistics color_statistics(const Image& image);

// The image's luma in all three channels (a grey image).
Image luminance_image(const Image& image);

// The style image's luma, shifted and scaled to the content's luma mean and standard deviation,
// in all three channels: Y' = (sd_c / sd_s) (Y - mean_s) + mean_c (a flat style keeps mean_c).
Image matched_luminance(const Image& style, const Image& content);

// The style image recoloured to the content's colours by `match` (None returns it as it is).
// No clamping: a linear match may leave [0, 1] slightly.
Image matched_colors(const Image& style, const Image& content, ColorMatch match);

}  // namespace nsrg
