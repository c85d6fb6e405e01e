// Internal to nsrg_image: what every PNG/JPEG codec shares and needs from nothing else in
// the folder: the size limits a decoder enforces on untrusted files and the 8-bit
// conversion an encoder writes.
#pragma once

#include <string>
#include <vector>

#include "engine/image/image.h"

namespace nsrg::codecs {

constexpr long long kMaxImageSide = 32768;

// Empty when width x height is acceptable for a decoded image (at most kMaxImageSide on a
// side and `max_pixels` pixels), else the reason, with what the largest image costs.
std::string dimension_problem(long long width, long long height, long long max_pixels);

// Clamps to [0,1] (NaN -> 0) and rounds to 8 bits: interleaved RGB bytes.
std::vector<unsigned char> to_rgb8(const Image& image);

}  // namespace nsrg::codecs
