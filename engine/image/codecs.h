// Internal to nsrg_image: the PNG and JPEG codecs behind read_image / write_image, and the
// size limits every decoder enforces on untrusted files.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "engine/image/image.h"

namespace nsrg::codecs {

constexpr long long kMaxImageSide = 32768;

// Empty when width x height is acceptable for a decoded image (at most kMaxImageSide on a
// side and `max_pixels` pixels), else the reason, with what the largest image costs.
std::string dimension_problem(long long width, long long height, long long max_pixels);

// Decoders read the whole stream from `file` (positioned at its start). On bad data they
// throw UserError("<path>: <reason>").
Image read_png(std::FILE* file, const std::string& path, long long max_pixels);
Image read_jpeg(std::FILE* file, const std::string& path, long long max_pixels);

// Encoders write to an open file; a failure throws UserError("<path>: <reason>").
void write_png(std::FILE* file, const std::string& path, const Image& image);
void write_jpeg(std::FILE* file, const std::string& path, const Image& image, int quality);

// Clamps to [0,1] (NaN -> 0) and rounds to 8 bits: interleaved RGB bytes.
std::vector<unsigned char> to_rgb8(const Image& image);

}  // namespace nsrg::codecs
