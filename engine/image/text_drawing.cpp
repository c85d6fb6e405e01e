// TextDrawer: FreeType library and face handles (RAII), glyph layout and blending.
#include "engine/image/text_drawing.h"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "engine/core/error.h"

namespace nsrg {
namespace {

struct LibraryDeleter {
  void operator()(FT_Library library) const { FT_Done_FreeType(library); }
};
struct FaceDeleter {
  void operator()(FT_Face face) const { FT_Done_Face(face); }
};
using LibraryHandle = std::unique_ptr<std::remove_pointer_t<FT_Library>, LibraryDeleter>;
using FaceHandle = std::unique_ptr<std::remove_pointer_t<FT_Face>, FaceDeleter>;

// UTF-8 -> code points; a byte that does not start a valid sequence becomes '?'.
std::vector<char32_t> code_points(const std::string& text) {
  std::vector<char32_t> points;
  for (size_t i = 0; i < text.size();) {
    const auto byte = uint8_t(text[i]);
    int length = 0;
    char32_t point = 0;
    if (byte < 0x80) {
      length = 1, point = byte;
    } else if ((byte >> 5) == 6) {
      length = 2, point = byte & 0x1F;
    } else if ((byte >> 4) == 14) {
      length = 3, point = byte & 0x0F;
    } else if ((byte >> 3) == 30) {
      length = 4, point = byte & 0x07;
    }
    bool valid = length > 0 && i + size_t(length) <= text.size();
    for (int k = 1; valid && k < length; ++k) {
      const auto next = uint8_t(text[i + size_t(k)]);
      valid = (next >> 6) == 2;
      point = (point << 6) | (next & 0x3F);
    }
    points.push_back(valid ? point : U'?');
    i += valid ? size_t(length) : 1;
  }
  return points;
}

int pixels(FT_Pos value_26_6) {
  return int((value_26_6 + 63) >> 6);
}

}  // namespace

std::string label_font_path() {
  if (const char* font = std::getenv("NSRG_FONT"); font != nullptr && *font != '\0') return font;
  return "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
}

// Members are destroyed in reverse order: the face before its library.
struct TextDrawer::FreeType {
  LibraryHandle library;
  FaceHandle face;
};

TextDrawer::TextDrawer(const std::string& font_path, int pixel_size)
    : freetype_(std::make_unique<FreeType>()) {
  NSRG_CHECK(pixel_size >= 6 && pixel_size <= 200, "text size ", pixel_size);
  if (!std::filesystem::is_regular_file(font_path))
    throw UserError(msg(font_path, ": font file not found"));
  FT_Library library = nullptr;
  const FT_Error init = FT_Init_FreeType(&library);
  NSRG_CHECK(init == 0, "FT_Init_FreeType returned ", init);
  freetype_->library.reset(library);
  FT_Face face = nullptr;
  if (FT_New_Face(library, font_path.c_str(), 0, &face) != 0)
    throw UserError(msg(font_path, ": FreeType cannot read this file as a font"));
  freetype_->face.reset(face);
  if (FT_Set_Pixel_Sizes(face, 0, FT_UInt(pixel_size)) != 0)
    throw UserError(msg(font_path, ": the font has no size ", pixel_size, " px"));
}

TextDrawer::~TextDrawer() = default;

int TextDrawer::line_height() const {
  return pixels(freetype_->face->size->metrics.height);
}

int TextDrawer::width(const std::string& text) const {
  FT_Face face = freetype_->face.get();
  FT_Pos advance = 0;
  for (char32_t point : code_points(text))
    if (FT_Load_Char(face, point, FT_LOAD_DEFAULT) == 0) advance += face->glyph->advance.x;
  return pixels(advance);
}

int TextDrawer::draw(Image& image, int left, int top, const std::string& text,
                     TextColor color) const {
  FT_Face face = freetype_->face.get();
  const int baseline = top + pixels(face->size->metrics.ascender);
  FT_Pos pen = FT_Pos(left) * 64;  // 26.6 fixed point (left may be negative)
  const float ink[3] = {color.r, color.g, color.b};
  for (char32_t point : code_points(text)) {
    if (FT_Load_Char(face, point, FT_LOAD_RENDER) != 0) continue;
    const FT_GlyphSlot glyph = face->glyph;
    const FT_Bitmap& bitmap = glyph->bitmap;
    if (bitmap.pixel_mode == FT_PIXEL_MODE_GRAY) {
      const int x0 = int(pen >> 6) + glyph->bitmap_left, y0 = baseline - glyph->bitmap_top;
      for (int row = 0; row < int(bitmap.rows); ++row) {
        const int y = y0 + row;
        if (y < 0 || y >= image.height) continue;
        const unsigned char* coverage = bitmap.buffer + ptrdiff_t(row) * bitmap.pitch;
        for (int column = 0; column < int(bitmap.width); ++column) {
          const int x = x0 + column;
          if (x < 0 || x >= image.width || coverage[column] == 0) continue;
          const float alpha = float(coverage[column]) / 255.0f;
          for (int c = 0; c < 3; ++c)
            image.at(x, y, c) = image.at(x, y, c) * (1 - alpha) + ink[c] * alpha;
        }
      }
    }
    pen += glyph->advance.x;
  }
  return int(pen >> 6) - left;
}

std::string TextDrawer::fit(const std::string& text, int max_width) const {
  if (width(text) <= max_width) return text;
  // Cut at character boundaries (UTF-8 continuation bytes are 10xxxxxx).
  for (size_t end = text.size() - 1; end > 0; --end) {
    if ((uint8_t(text[end]) >> 6) == 2) continue;
    const std::string cut = text.substr(0, end) + "...";
    if (width(cut) <= max_width) return cut;
  }
  return "...";
}

}  // namespace nsrg
