// The colour-control choices (style.color, style.color_match), here so that the config, the
// image code that applies them (engine/image/color_transfer.h) and a kept style's lineage
// (weights/style_lineage.h) name them once.
#pragma once

#include "engine/core/enum_names.h"

namespace nsrg {

// style.color: "full" transfers the style's colours; "luminance" transfers on luminance alone
// (the content and the style images are made grey, the style's luminance matched to the
// content's mean and spread, and the render's colours taken from the content).
enum class StyleColor { Full, Luminance };
inline constexpr NamedValue<StyleColor> kStyleColorNames[] = {{StyleColor::Full, "full"},
                                                              {StyleColor::Luminance, "luminance"}};

// style.color_match: recolour each style image to the content image's colours before its
// Grams are taken. Histogram: each RGB channel's values mapped to the content channel's
// quantiles (the channel histograms then match). Linear: x' = A (x - mean_s) + mean_c with
// A = L_c L_s^-1 (Cholesky factors of the colour covariances), so mean and covariance match.
enum class ColorMatch { None, Histogram, Linear };
inline constexpr NamedValue<ColorMatch> kColorMatchNames[] = {{ColorMatch::None, "none"},
                                                              {ColorMatch::Histogram, "histogram"},
                                                              {ColorMatch::Linear, "linear"}};

}  // namespace nsrg
