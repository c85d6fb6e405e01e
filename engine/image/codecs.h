// Internal to nsrg_image: the PNG and JPEG codecs behind read_image / write_image. The
// codecs use only codec_limits.h; only image_io.cpp calls them.
#pragma once

#include <cstdio>
#include <string>

#include "engine/image/image.h"

namespace nsrg::codecs {

// Decoders read the whole stream from `file` (positioned at its start). On bad data they
// throw UserError("<path>: <reason>").
Image read_png(std::FILE* file, const std::string& path, long long max_pixels);
Image read_jpeg(std::FILE* file, const std::string& path, long long max_pixels);

// Encoders write to an open file; a failure throws UserError("<path>: <reason>").
void write_png(std::FILE* file, const std::string& path, const Image& image);
void write_jpeg(std::FILE* file, const std::string& path, const Image& image, int quality);

}  // namespace nsrg::codecs
