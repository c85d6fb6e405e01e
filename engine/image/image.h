// Images on the host: the Image type, PNG/JPEG reading and writing, antialiased resizing,
// output levels, original-colour transfer, network pre/deprocessing and contact sheets.
#pragma once

#include <string>
#include <vector>

#include "engine/core/enum_names.h"
#include "engine/core/preprocess.h"

namespace nsrg {

// Interleaved RGB, float, nominally [0,1], row-major: rgb[(y * width + x) * 3 + c].
struct Image {
  int width = 0, height = 0;
  std::vector<float> rgb;  // width*height*3

  float& at(int x, int y, int c) { return rgb[(static_cast<size_t>(y) * width + x) * 3 + c]; }
  float at(int x, int y, int c) const { return rgb[(static_cast<size_t>(y) * width + x) * 3 + c]; }
};

// Reads a PNG or a JPEG file, chosen by its magic bytes (not its extension), as RGB in
// [0,1]. PNG: 1..16-bit gray, gray+alpha, RGB, RGBA, palette, interlaced; 16-bit samples
// keep their precision. JPEG: baseline or progressive, gray or RGB/YCbCr. Any alpha channel
// (or tRNS transparency) is dropped, as neural-style's image.load(path, 3) does; gamma and
// colour profiles are ignored (values are taken as sRGB). Files are untrusted: a missing or
// unreadable file, an unknown format, truncated or corrupt data (including data libjpeg only
// warns about) and absurd dimensions (more than 32768 on a side or `max_pixels` pixels)
// each throw UserError("<path>: <reason>"). Nothing is printed.
// Decoding costs up to kDecodeBytesPerPixel bytes per pixel at its peak (the float image,
// 12, plus the decoder's 16-bit rows, 6): the largest image accepted by default, 2^28
// pixels (16384 x 16384), takes 4.5 GiB.
constexpr long long kDecodeBytesPerPixel = 18;
constexpr long long kMaxImagePixels = 1LL << 28;
Image read_image(const std::string& path, long long max_pixels = kMaxImagePixels);

// Writes .png (8-bit RGB) or .jpg/.jpeg (quality 95, no chroma subsampling), chosen by the
// case-insensitive extension; any other extension is a UserError naming the path. Values are
// clamped to [0,1] (NaN becomes 0) and rounded to 8 bits. The file is written atomically
// (temporary file + rename), so a failure never leaves a partial image.
void write_image(const std::string& path, const Image& image);

// Resamples to width x height (both >= 1). The same size gives an exact copy. Otherwise a
// separable Lanczos-3 filter whose support widens by the downscale factor (antialiased when
// shrinking), applied in linear float with edge pixels clamped (replicated). Lanczos lobes
// can overshoot [0,1] slightly near hard edges; nothing is clamped.
Image resize(const Image& image, int width, int height);

// Resizes so the longer side becomes `longest` (>= 1); the other side is rounded to the
// nearest integer, at least 1. Aspect ratio is kept.
Image resize_longest_side(const Image& image, int longest);

// Output levels. MinMax: stretch the whole image linearly (all channels together) so its
// minimum becomes 0 and its maximum 1 (neural-style); a constant image becomes 0. Clamp:
// clamp to [0,1]. Auto: per channel, map the low/high percentiles to 0/1, then clamp (a
// constant channel is only clamped). Non-finite values are ignored when measuring.
enum class LevelsMode { MinMax, Clamp, Auto };
inline constexpr NamedValue<LevelsMode> kLevelsModeNames[] = {
    {LevelsMode::MinMax, "minmax"}, {LevelsMode::Clamp, "clamp"}, {LevelsMode::Auto, "auto"}};

// A name of kLevelsModeNames; anything else is a UserError listing the choices.
LevelsMode parse_levels_mode(const std::string& name);

// Percentiles are in [0,100] with low < high (checked with NSRG_CHECK); used by Auto only.
void apply_levels(Image& image, LevelsMode mode, double low_percentile = 0.5,
                  double high_percentile = 99.5);

// Keeps the luminance Y of `generated` and takes the chroma U,V of `content` (resized to
// generated's size first when the sizes differ): Y = .299R+.587G+.114B,
// U = -.14713R-.28886G+.436B, V = .615R-.51499G-.10001B, back to RGB through the exact
// inverse of that matrix. No clamping.
Image original_colors(const Image& generated, const Image& content);

// Network input, CHW planar (3 x height x width): channel c holds source channel
// (p.bgr ? 2 - c : c) as (value * p.scale - p.mean[c]) / p.std[c] (mean and std in network
// channel order).
std::vector<float> preprocess_image(const Image& image, const Preprocess& p);

// The inverse of preprocess_image (exact when std is 1) for a 3 x height x width planar
// buffer; no clamping.
Image deprocess_image(const float* chw, int width, int height, const Preprocess& p);

// Contact sheet: cells laid out row by row in min(columns, cells.size()) columns, each
// image fitted (antialiased, aspect kept, up- or downscaled) into a cell_size x cell_size
// square and centred there; `gap` pixels of white between cells and around the border, so
// the sheet is cols * cell_size + (cols + 1) * gap wide (likewise tall for the rows). The
// background is white (1.0); a null (or empty) cell stays blank. Pixel values are copied
// unclamped.
Image compose_grid(const std::vector<const Image*>& cells, int columns, int cell_size, int gap);

}  // namespace nsrg
