// [[regions]] end to end: two regions, each with a plain-colour style image, end up in their
// own colours; a region's style is randomized per variant; and the config's mistakes about
// regions are one line naming the key.
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

class Regions : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_scratch_dir("regions");
    write_two_region_images(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write_regions_config(const std::string& regions = kTwoRegions) {
    return testing::write_regions_config(dir_, regions);
  }

  fs::path dir_;
};

TEST_F(Regions, TwoPlainColourRegionsEndInTheirOwnColours) {
  const std::vector<RenderedImage> images = render(write_regions_config());
  ASSERT_EQ(images.size(), 1u);
  const Image out = read_image(images[0].path);
  // Mean colour of each half, away from the boundary (a quarter of the width on each side).
  const std::array<double, 3> left = mean_colour(out, 0, out.width / 4);
  const std::array<double, 3> right = mean_colour(out, out.width - out.width / 4, out.width);
  // Each half in its region's colour: (0.9, 0.1, 0.1) and (0.1, 0.1, 0.9), within 0.15 per
  // channel (measured: within 0.05 on the left, 0.03 on the right).
  const double red[3] = {0.9, 0.1, 0.1}, blue[3] = {0.1, 0.1, 0.9};
  for (int c = 0; c < 3; ++c) {
    EXPECT_NEAR(left[c], red[c], 0.15) << "left half, channel " << c;
    EXPECT_NEAR(right[c], blue[c], 0.15) << "right half, channel " << c;
  }
}

// The losses of two renders from the same start: the first evaluation's alike to float
// rounding (the Gram scale 1 / (C M) against 1 / (C H W), the mask's resampled ones), the
// last within 1% (Adam's per-coordinate steps turn rounding-sized differences of near-zero
// gradients into whole steps).
void expect_same_losses(const RenderedImage& plain, const RenderedImage& masked) {
  ASSERT_FALSE(plain.history.empty());
  ASSERT_FALSE(masked.history.empty());
  const LossValues& a = plain.history.front().losses;
  const LossValues& b = masked.history.front().losses;
  ASSERT_EQ(plain.history.front().iteration, 1);
  EXPECT_NEAR(b.style, a.style, 1e-5 * a.style);
  EXPECT_NEAR(b.total, a.total, 1e-5 * a.total);
  EXPECT_NEAR(masked.final_losses.total, plain.final_losses.total, 1e-2 * plain.final_losses.total);
}

// A region whose mask is white everywhere is the whole-image style: the same render as
// style.images (or style.targets) up to float rounding of the Gram's scale.
TEST_F(Regions, AWhiteMaskRendersAsTheWholeImageStyle) {
  write_image((dir_ / "white.png").string(), plain_image(451, 300, 1, 1, 1));
  const std::string plain_config = write_config(dir_, 32, 6, "[init]\nkind = \"image\"\n").string();
  const std::vector<RenderedImage> plain = render(plain_config);
  const std::vector<RenderedImage> masked =
      render(plain_config, {"style.images=[]",
                            "regions=[{mask = \"white.png\", images = [\"" +
                                example_image("hubble_deep_field.jpg") + "\"]}]",
                            "output.path=\"out/masked.png\""});
  ASSERT_EQ(plain.size(), 1u);
  ASSERT_EQ(masked.size(), 1u);
  expect_same_losses(plain[0], masked[0]);
}

// Regions as members of one family: a kept variant as one region's style (targets), and a
// region with its own [regions.randomize] whose variants differ while a region without
// randomization stays the same.
TEST_F(Regions, AKeptVariantAndARegionsOwnRandomization) {
  const std::vector<std::string> family = keep_family_styles(dir_, 2);
  ASSERT_EQ(family.size(), 2u);
  write_image((dir_ / "white.png").string(), plain_image(451, 300, 1, 1, 1));
  const std::string base = write_config(dir_, 32, 6, "[init]\nkind = \"image\"\n").string();
  const std::vector<std::string> whole_kept = {"output.path=\"k/a.png\"",
                                               "style.layers=[\"relu2_1\", \"relu3_1\"]"};
  std::vector<std::string> kept = whole_kept;
  kept.push_back("style.targets=\"" + family[0] + "\"");
  kept.push_back("style.images=[]");
  const std::vector<RenderedImage> plain = render(base, kept);
  std::vector<std::string> region = whole_kept;
  region.push_back("style.images=[]");
  region.push_back("regions=[{mask = \"white.png\", targets = \"" + family[0] + "\"}]");
  region.push_back("output.path=\"k/r.png\"");
  const std::vector<RenderedImage> masked = render(base, region);
  ASSERT_EQ(plain.size(), 1u);
  ASSERT_EQ(masked.size(), 1u);
  expect_same_losses(plain[0], masked[0]);

  // Two variants: the left region randomized by its own settings, the right one not.
  const std::vector<RenderedImage> variants = render(
      write_regions_config("[[regions]]\nmask = \"left.png\"\nimages = [\"red.png\"]\n"
                           "[regions.randomize]\nmode = \"scale_eigenvalues\"\nrange = [0.2, 3.0]\n"
                           "[[regions]]\nmask = \"right.png\"\nimages = [\"blue.png\"]\n"),
      {"randomize.variants=2", "optimizer.iterations=4", "image_size=32"});
  ASSERT_EQ(variants.size(), 2u);
  const Image a = read_image(variants[0].path), b = read_image(variants[1].path);
  EXPECT_NE(a.rgb, b.rgb);
  EXPECT_NE(variants[0].final_losses.style, variants[1].final_losses.style);
}

// Each [[stages]] stage reads the masks at its own size and renders with them.
TEST_F(Regions, RenderThroughStages) {
  const std::vector<RenderedImage> images =
      render(write_regions_config(kTwoRegions + "[[stages]]\nimage_size = 20\niterations = 2\n"
                                                "[[stages]]\nimage_size = 32\niterations = 2\n"));
  ASSERT_EQ(images.size(), 1u);
  ASSERT_EQ(images[0].stages.size(), 2u);
  EXPECT_EQ(images[0].stages[0].width, 20);
  EXPECT_EQ(images[0].stages[1].width, 32);
  EXPECT_GT(images[0].final_losses.style, 0.0);
}

TEST_F(Regions, MistakesAreOneLineNamingTheKey) {
  std::ofstream(dir_ / "not_an_image.png") << "hello";
  write_image((dir_ / "black.png").string(), plain_image(10, 10, 0, 0, 0));
  // Mistakes in a region table: (its TOML, the start of the expected line).
  const std::vector<std::pair<std::string, std::string>> tables = {
      {"[[regions]]\nmask = \"not_an_image.png\"\nimages = [\"red.png\"]\n",
       "regions[0].mask: is not a mask image: "},
      {"[[regions]]\nmask = \"black.png\"\nimages = [\"red.png\"]\n",
       "regions[0].mask: " + (dir_ / "black.png").string() + " is black everywhere"},
      {"[[regions]]\nmask = \"left.png\"\nimages = []\n",
       "regions[0].images: must name at least one image"},
      {"[[regions]]\nmask = \"left.png\"\n", "regions[0].images: is required"},
      {"[[regions]]\nimages = [\"red.png\"]\n", "regions[0].mask: is required"},
      {kTwoRegions + "[[regions]]\nmask = \"left.png\"\nimages = [\"red.png\"]\nweight = -1\n",
       "regions[2].weight: "},
      {kTwoRegions + "[[regions]]\nmask = \"left.png\"\nimages = [\"red.png\"]\nsize = 3\n",
       "regions[2].size"},
      {"regions = 3\n", "regions: must be an array of tables ([[regions]])"},
      {"[[regions]]\nmask = \"left.png\"\nimages = [\"red.png\"]\ntargets = \"red.png\"\n",
       "regions[0].images: cannot be used with regions[0].targets"},
      {"[[regions]]\nmask = \"left.png\"\ntargets = \"red.png\"\n", "red.png"},
      {"[[regions]]\nmask = \"left.png\"\ntargets = \"red.png\"\nblend_weights = [1]\n",
       "regions[0].blend_weights: cannot be used with targets"},
  };
  for (const auto& [toml, expected] : tables) {
    const std::string error = render_user_error(write_regions_config(toml));
    EXPECT_NE(error.find(expected), std::string::npos) << toml << " gave: " << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  }
  // What this build does not combine with regions.
  const std::vector<std::pair<std::string, std::string>> overrides = {
      {"style.images=[\"red.png\"]", "style.images: cannot be used with [[regions]]"},
      {"randomize.min_distance=0.1", "randomize.min_distance: cannot be used with [[regions]]"},
      {"evaluation.tile_size=64", "evaluation.tile_size: cannot be used with [[regions]]"},
      {"evaluation.tile_size=\"auto\"", "evaluation.tile_size: cannot be used with [[regions]]"},
      {"style.layer_sources.relu1_1.images=[\"red.png\"]",
       "style.layer_sources: cannot be used with [[regions]]"},
      {"style.blend_weights=[1, 2]",
       "style.blend_weights: cannot be used with [[regions]] (each region weighs its own images"},
  };
  for (const auto& [assignment, expected] : overrides) {
    const std::string error = render_user_error(write_regions_config(), {assignment});
    EXPECT_NE(error.find(expected), std::string::npos) << assignment << " gave: " << error;
  }
}

TEST(RegionsExample, LoadsWithItsTwoMasks) {
  const RenderConfig config = load_config(std::string(NSRG_SOURCE_DIR) + "/examples/regions.toml");
  ASSERT_EQ(config.regions.size(), 2u);
  EXPECT_TRUE(config.style_images.empty());
  EXPECT_NE(config.regions[0].mask.find("chelsea_face_mask.png"), std::string::npos);
  EXPECT_EQ(config.regions[1].images.size(), 1u);
  EXPECT_EQ(config.regions[1].weight, 2.0f);
  // The summary's config lists the regions (and a config without them does not).
  const nlohmann::json json = config_to_json(config);
  ASSERT_EQ(json.at("regions").size(), 2u);
  EXPECT_EQ(json.at("regions")[1].at("weight"), 2.0);
  EXPECT_FALSE(config_to_json(load_config(std::string(NSRG_SOURCE_DIR) + "/examples/color.toml"))
                   .contains("regions"));
}

}  // namespace
}  // namespace nsrg::testing
