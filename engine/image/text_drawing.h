// Text on images, for labelled contact sheets: glyphs rendered by FreeType (anti-aliased,
// 8-bit coverage) from a font file found at run time, blended onto an Image.
#pragma once

#include <memory>
#include <string>

#include "engine/image/image.h"

namespace nsrg {

// The label font: $NSRG_FONT when set, else DejaVu Sans from Debian's fonts-dejavu-core
// (/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf). The file may not exist.
std::string label_font_path();

struct TextColor {
  float r = 0, g = 0, b = 0;
};

class TextDrawer {
 public:
  // Opens `font_path` at `pixel_size` (text height in pixels, 6..200). UserError naming the
  // file when it is missing or FreeType cannot read it as a font.
  TextDrawer(const std::string& font_path, int pixel_size);
  ~TextDrawer();
  TextDrawer(const TextDrawer&) = delete;
  TextDrawer& operator=(const TextDrawer&) = delete;

  // Width of `text` (UTF-8; invalid bytes draw as '?') in pixels.
  int width(const std::string& text) const;
  // Height of a line (ascender + descender + line gap) in pixels.
  int line_height() const;
  // Draws `text` with the top of its line at `top`, clipped to the image; returns its width.
  int draw(Image& image, int left, int top, const std::string& text, TextColor color) const;
  // The longest prefix of `text` (whole characters) that, with "...", fits in `max_width`
  // pixels; `text` itself when it fits.
  std::string fit(const std::string& text, int max_width) const;

 private:
  struct FreeType;
  std::unique_ptr<FreeType> freetype_;
};

}  // namespace nsrg
