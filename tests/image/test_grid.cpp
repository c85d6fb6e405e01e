// compose_grid: sheet size, cell placement, fitting, blank cells and white background.
#include "engine/core/error.h"
#include "engine/image/image.h"
#include "tests/image/image_test_support.h"

namespace nsrg {
namespace {

Image solid(int width, int height, float r, float g, float b) {
  Image image;
  image.width = width;
  image.height = height;
  for (int i = 0; i < width * height; ++i) image.rgb.insert(image.rgb.end(), {r, g, b});
  return image;
}

void expect_pixel(const Image& image, int x, int y, float r, float g, float b) {
  EXPECT_NEAR(image.at(x, y, 0), r, 1e-4f) << x << "," << y;
  EXPECT_NEAR(image.at(x, y, 1), g, 1e-4f) << x << "," << y;
  EXPECT_NEAR(image.at(x, y, 2), b, 1e-4f) << x << "," << y;
}

TEST(Grid, SizeAndPlacement) {
  const Image red = solid(20, 10, 1, 0, 0);  // fitted to 10 x 5
  const Image green = solid(5, 5, 0, 1, 0);  // upscaled to 10 x 10
  const Image blue = solid(4, 8, 0, 0, 1);   // fitted to 5 x 10
  const Image sheet = compose_grid({&red, nullptr, &green, &blue}, 2, 10, 2);
  ASSERT_EQ(sheet.width, 2 * 10 + 3 * 2);
  ASSERT_EQ(sheet.height, 2 * 10 + 3 * 2);
  ASSERT_EQ(sheet.rgb.size(), 26u * 26 * 3);

  // Cell (0,0) spans x 2..11, y 2..11; red occupies rows 4..8 (centred).
  expect_pixel(sheet, 2, 4, 1, 0, 0);
  expect_pixel(sheet, 11, 8, 1, 0, 0);
  expect_pixel(sheet, 2, 3, 1, 1, 1);
  expect_pixel(sheet, 2, 9, 1, 1, 1);
  expect_pixel(sheet, 1, 6, 1, 1, 1);   // outer gap
  expect_pixel(sheet, 12, 6, 1, 1, 1);  // gap between cells
  // Cell (1,0) is null: blank.
  for (int y = 2; y < 12; ++y)
    for (int x = 14; x < 24; ++x) expect_pixel(sheet, x, y, 1, 1, 1);
  // Cell (0,1) spans x 2..11, y 14..23, all green.
  for (int y = 14; y < 24; ++y)
    for (int x = 2; x < 12; ++x) expect_pixel(sheet, x, y, 0, 1, 0);
  // Cell (1,1): blue is 5 wide, centred at x 14 + (10 - 5) / 2 = 16 .. 20.
  expect_pixel(sheet, 16, 14, 0, 0, 1);
  expect_pixel(sheet, 20, 23, 0, 0, 1);
  expect_pixel(sheet, 15, 18, 1, 1, 1);
  expect_pixel(sheet, 21, 18, 1, 1, 1);
  // Bottom and right margins.
  for (int x = 0; x < 26; ++x) expect_pixel(sheet, x, 25, 1, 1, 1);
  for (int y = 0; y < 26; ++y) expect_pixel(sheet, 25, y, 1, 1, 1);
}

TEST(Grid, FewerCellsThanColumnsUsesFewerColumns) {
  const Image a = solid(8, 8, 0.5f, 0.5f, 0.5f);
  const Image sheet = compose_grid({&a, &a}, 5, 8, 1);
  EXPECT_EQ(sheet.width, 2 * 8 + 3);
  EXPECT_EQ(sheet.height, 8 + 2);
  expect_pixel(sheet, 1, 1, 0.5f, 0.5f, 0.5f);
  expect_pixel(sheet, 10, 8, 0.5f, 0.5f, 0.5f);
  expect_pixel(sheet, 9, 5, 1, 1, 1);
}

TEST(Grid, NoGapAndBadArguments) {
  const Image a = solid(3, 3, 0, 0, 0);
  const Image sheet = compose_grid({&a, &a, &a}, 3, 3, 0);
  EXPECT_EQ(sheet.width, 9);
  EXPECT_EQ(sheet.height, 3);
  for (float v : sheet.rgb) EXPECT_EQ(v, 0.0f);  // same size: exact copies
  EXPECT_THROW(compose_grid({}, 2, 10, 2), InternalError);
  EXPECT_THROW(compose_grid({&a}, 0, 10, 2), InternalError);
}

}  // namespace
}  // namespace nsrg
