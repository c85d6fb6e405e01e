// A region's style_masks end to end: a region takes its style from the masked part of a
// style image (half red, half blue, masked on its red half: the region ends red), and the
// config's mistakes about style masks are one line naming the key.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/image/image.h"
#include "tests/engine/region_test_support.h"

namespace nsrg::testing {
namespace {

namespace fs = std::filesystem;

// One region over the whole content image, its style the half red, half blue image.
const std::string kMaskedStyle =
    "[[regions]]\nmask = \"white.png\"\nimages = [\"red_blue.png\"]\n"
    "style_masks = [\"red_part.png\"]\n";

class RegionStyleMasks : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_scratch_dir("region_style_masks");
    write_two_region_images(dir_);
    // 40x40: red left of x = 20, blue from it; the style mask white on x < 16 (away from the
    // colour edge, which the pooled mask at relu2_1 reaches across by a pixel).
    Image red_blue = plain_image(40, 40, 0.1f, 0.1f, 0.9f);
    for (int y = 0; y < 40; ++y)
      for (int x = 0; x < 20; ++x) {
        red_blue.at(x, y, 0) = 0.9f;
        red_blue.at(x, y, 2) = 0.1f;
      }
    write_image((dir_ / "red_blue.png").string(), red_blue);
    write_image((dir_ / "red_part.png").string(),
                column_mask(40, 40, [](int x) { return x < 16; }));
    write_image((dir_ / "white.png").string(), plain_image(451, 300, 1, 1, 1));
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
};

TEST_F(RegionStyleMasks, ARegionTakesItsStyleFromTheMaskedPart) {
  const std::vector<RenderedImage> images = render(write_regions_config(dir_, kMaskedStyle));
  ASSERT_EQ(images.size(), 1u);
  const Image out = read_image(images[0].path);
  // The whole picture red (0.9, 0.1, 0.1) within 0.15 per channel, as the two-colour region
  // test asks of each half.
  const std::array<double, 3> mean = mean_colour(out, 0, out.width);
  const double red[3] = {0.9, 0.1, 0.1};
  for (int c = 0; c < 3; ++c) EXPECT_NEAR(mean[c], red[c], 0.15) << "channel " << c;

  // Without the style mask the same region takes both colours (its blue well above red's 0.1).
  const std::vector<RenderedImage> unmasked = render(write_regions_config(
      dir_, "[[regions]]\nmask = \"white.png\"\nimages = [\"red_blue.png\"]\n"));
  ASSERT_EQ(unmasked.size(), 1u);
  EXPECT_GT(mean_colour(read_image(unmasked[0].path), 0, out.width)[2], 0.3);
}

TEST_F(RegionStyleMasks, AStretchedStyleMaskIsANote) {
  // A 20x40 mask for the 40x40 style image: rendered, with a note naming both.
  write_image((dir_ / "narrow.png").string(), plain_image(20, 40, 1, 1, 1));
  const RenderConfig config = load_config(
      write_regions_config(dir_,
                           "[[regions]]\nmask = \"white.png\"\nimages = [\"red_blue.png\"]\n"
                           "style_masks = [\"narrow.png\"]\n")
          .string(),
      {"optimizer.iterations=1"});
  std::ostringstream log;
  RenderSession session(config, log);
  session.run();
  EXPECT_NE(log.str().find("narrow.png is 20x40, another aspect ratio than its style image "),
            std::string::npos)
      << log.str();
}

TEST_F(RegionStyleMasks, MistakesAreOneLineNamingTheKey) {
  std::ofstream(dir_ / "not_an_image.png") << "hello";
  write_image((dir_ / "black.png").string(), plain_image(10, 10, 0, 0, 0));
  const std::string region = "[[regions]]\nmask = \"white.png\"\n";
  const std::vector<std::pair<std::string, std::string>> tables = {
      {region + "images = [\"red.png\", \"blue.png\"]\nstyle_masks = [\"red_part.png\"]\n",
       "regions[0].style_masks: names 1 masks but regions[0].images has 2"},
      {region + "images = [\"red.png\"]\nstyle_masks = [\"not_an_image.png\"]\n",
       "regions[0].style_masks[0]: is not a mask image: "},
      {region + "images = [\"red.png\"]\nstyle_masks = [\"black.png\"]\n",
       "regions[0].style_masks[0]: " + (dir_ / "black.png").string() + " is black everywhere"},
      {region + "images = [\"red.png\"]\nstyle_masks = [\"missing.png\"]\n",
       "regions[0].style_masks[0]"},
      {region + "targets = \"red.png\"\nstyle_masks = [\"red_part.png\"]\n",
       "regions[0].style_masks: cannot be used with regions[0].targets"},
  };
  for (const auto& [toml, expected] : tables) {
    const std::string error = render_user_error(write_regions_config(dir_, toml));
    EXPECT_NE(error.find(expected), std::string::npos) << toml << " gave: " << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace nsrg::testing
