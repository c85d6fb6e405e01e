// TextDrawer: FreeType draws anti-aliased text where asked, widths grow with the text, long
// text is fitted with "...", and a missing font is a UserError naming the file.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>

#include "engine/core/error.h"
#include "engine/image/text_drawing.h"

namespace nsrg {
namespace {

Image white(int width, int height) {
  Image image;
  image.width = width;
  image.height = height;
  image.rgb.assign(size_t(width) * height * 3, 1.0f);
  return image;
}

// Bounding box of the pixels darker than white: {min x, min y, max x, max y}, or all -1.
std::array<int, 4> ink_box(const Image& image) {
  std::array<int, 4> box{-1, -1, -1, -1};
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width; ++x)
      if (image.at(x, y, 0) < 0.9f) {
        if (box[0] < 0 || x < box[0]) box[0] = x;
        if (box[1] < 0) box[1] = y;
        box[2] = std::max(box[2], x);
        box[3] = y;
      }
  return box;
}

TEST(TextDrawing, DrawsTextInsideItsBox) {
  const TextDrawer text(label_font_path(), 14);
  Image image = white(200, 40);
  const int width = text.draw(image, 10, 5, "relu3_3 seed 12", {0, 0, 0});
  EXPECT_EQ(width, text.width("relu3_3 seed 12"));
  EXPECT_GT(width, 80);
  EXPECT_LT(width, 160);
  const auto box = ink_box(image);
  ASSERT_GE(box[0], 0) << "nothing was drawn";
  EXPECT_GE(box[0], 10);
  EXPECT_LE(box[2], 10 + width);
  EXPECT_GE(box[1], 5);
  EXPECT_LE(box[3], 5 + text.line_height());
  // Anti-aliased: some pixels are between paper and ink.
  const bool grey =
      std::any_of(image.rgb.begin(), image.rgb.end(), [](float v) { return v > 0.2f && v < 0.8f; });
  EXPECT_TRUE(grey);
  // Coloured ink.
  Image red = white(200, 40);
  text.draw(red, 0, 0, "a", {1, 0, 0});
  bool red_ink = false;
  for (int y = 0; y < red.height; ++y)
    for (int x = 0; x < red.width; ++x)
      red_ink |= red.at(x, y, 0) > 0.99f && red.at(x, y, 1) < 0.3f && red.at(x, y, 2) < 0.3f;
  EXPECT_TRUE(red_ink);
}

TEST(TextDrawing, ClipsAtTheImageEdgesAndFitsLongText) {
  const TextDrawer text(label_font_path(), 12);
  Image small = white(10, 6);
  text.draw(small, -5, -4, "clipped text", {0, 0, 0});  // must not write outside
  EXPECT_LT(text.width("ab"), text.width("abc"));
  EXPECT_EQ(text.fit("short", 500), "short");
  const std::string fitted = text.fit("a rather long line of text that does not fit", 100);
  EXPECT_LE(text.width(fitted), 100);
  EXPECT_EQ(fitted.substr(fitted.size() - 3), "...");
  // UTF-8 is cut between characters, and invalid bytes draw as '?'.
  const std::string cut = text.fit("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 30);
  EXPECT_EQ((cut.size() - 3) % 2, 0u);
  EXPECT_EQ(text.width("\xff"), text.width("?"));
}

TEST(TextDrawing, MissingFontIsAUserErrorNamingTheFile) {
  try {
    TextDrawer text("/nonexistent/font.ttf", 12);
    ADD_FAILURE() << "no error";
  } catch (const UserError& error) {
    EXPECT_EQ(std::string(error.what()), "/nonexistent/font.ttf: font file not found");
  }
  const std::string not_a_font = std::string(NSRG_SOURCE_DIR) + "/README.md";
  EXPECT_THROW(TextDrawer(not_a_font, 12), UserError);
}

}  // namespace
}  // namespace nsrg
