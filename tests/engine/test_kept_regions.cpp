// Kept styles of [[regions]] renders: output.save_targets keeps each region's Grams and
// record (nsrg.regions), style.targets = that file renders the same picture again with the
// recorded masks, and a changed or missing mask, a file that does not hold its regions'
// tensors, or a combination this build does not make is one line naming the file.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "engine/image/image.h"
#include "tests/engine/region_test_support.h"
#include "weights/safetensors.h"
#include "weights/sha256.h"
#include "weights/style_targets_file.h"

namespace nsrg::testing {
namespace {

namespace fs = std::filesystem;

// The left region randomized by its own settings, the right one not.
const std::string kRandomizedLeft =
    "[[regions]]\nmask = \"left.png\"\nimages = [\"red.png\"]\nweight = 2.0\n"
    "[regions.randomize]\nmode = \"scale_eigenvalues\"\nrange = [0.2, 3.0]\n"
    "[[regions]]\nmask = \"right.png\"\nimages = [\"blue.png\"]\n";

class KeptRegions : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_scratch_dir("kept_regions");
    write_two_region_images(dir_);
    images_ =
        render(write_regions_config(dir_, kRandomizedLeft),
               {"randomize.variants=2", "optimizer.iterations=6", "output.save_targets=true"});
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A config with no [[regions]], the kept style of variant b as style.targets.
  fs::path write_applying_config() {
    const fs::path path = write_regions_config(dir_, "");
    fs::rename(path, dir_ / "apply.toml");
    return dir_ / "apply.toml";
  }
  std::vector<std::string> applying(const std::vector<std::string>& more = {}) const {
    std::vector<std::string> overrides = {
        "style.targets=\"" + style_targets_path(images_[1].path) + "\"", "seed=4",
        "optimizer.iterations=6", "output.path=\"again/b.png\""};
    overrides.insert(overrides.end(), more.begin(), more.end());
    return overrides;
  }

  fs::path dir_;
  std::vector<RenderedImage> images_;
};

TEST_F(KeptRegions, TheFileHoldsEachRegionsGramsAndRecord) {
  ASSERT_EQ(images_.size(), 2u);
  const StyleTargets a = read_style_targets(style_targets_path(images_[0].path));
  const StyleTargets b = read_style_targets(style_targets_path(images_[1].path));
  EXPECT_EQ(b.info.layers, (std::vector<std::string>{"relu1_1", "relu2_1"}));
  EXPECT_TRUE(b.grams.empty());
  ASSERT_EQ(b.region_grams.size(), 2u);
  ASSERT_EQ(b.region_grams[0].size(), 2u);
  EXPECT_EQ(b.region_grams[0][1].shape, (std::vector<int64_t>{128, 128}));
  ASSERT_EQ(b.info.regions.size(), 2u);
  const KeptRegion& left = b.info.regions[0];
  EXPECT_EQ(left.mask.file, (dir_ / "left.png").string());
  EXPECT_EQ(left.mask.sha256, sha256_file_hex((dir_ / "left.png").string()));
  EXPECT_EQ(left.weight, 2.0f);
  ASSERT_EQ(left.lineage.root.kind, LineageRootKind::Images);
  EXPECT_EQ(left.lineage.root.style_images.at(0).file, (dir_ / "red.png").string());
  // The left region's own randomization, with the variant's seed; the right one has none.
  ASSERT_EQ(left.lineage.steps.size(), 1u);
  const RandomizeStep& step = std::get<RandomizeStep>(left.lineage.steps[0]);
  EXPECT_EQ(step.seed, 4u);
  EXPECT_EQ(step.variant, "b");
  EXPECT_EQ(step.layers.at(0).settings.mode, RandomizeMode::ScaleEigenvalues);
  EXPECT_TRUE(b.info.regions[1].lineage.steps.empty());
  EXPECT_EQ(b.info.lineage.root.kind, LineageRootKind::Unknown);
  // The variants' left Grams differ, their right ones do not.
  EXPECT_NE(a.region_grams[0][0].data, b.region_grams[0][0].data);
  EXPECT_EQ(a.region_grams[1][0].data, b.region_grams[1][0].data);
  // Every file is its own: the tensors and nothing else.
  EXPECT_EQ(read_safetensors(style_targets_path(images_[1].path)).tensors.size(), 4u);
}

TEST_F(KeptRegions, ApplyingTheFileRendersTheVariantBitForBit) {
  const fs::path config_path = write_applying_config();
  const RenderConfig config = load_config(config_path.string(), applying());
  ASSERT_EQ(config.regions.size(), 2u);
  EXPECT_TRUE(config.style_targets.empty());
  EXPECT_EQ(config.regions[0].mask, (dir_ / "left.png").string());
  EXPECT_EQ(config.regions[0].targets_region, 0);
  EXPECT_EQ(config.regions[1].targets_region, 1);
  EXPECT_EQ(config.regions[0].weight, 2.0f);
  EXPECT_FALSE(config.any_randomization());
  const std::vector<RenderedImage> again = render(config_path, applying());
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(read_image(again[0].path).rgb, read_image(images_[1].path).rgb);
  EXPECT_NE(read_image(again[0].path).rgb, read_image(images_[0].path).rgb);
  // Kept again, its regions' lineages go on: the left one unchanged (nothing randomized).
  render(config_path, applying({"output.save_targets=true"}));
  const StyleTargets kept = read_style_targets(style_targets_path(again[0].path));
  const StyleTargets original = read_style_targets(style_targets_path(images_[1].path));
  ASSERT_EQ(kept.info.regions.size(), 2u);
  EXPECT_EQ(kept.region_grams[0][1].data, original.region_grams[0][1].data);
  EXPECT_EQ(kept.info.regions[0].lineage.steps.size(), 1u);
}

TEST_F(KeptRegions, MistakesAreOneLineNamingTheFileAndRegion) {
  const fs::path config_path = write_applying_config();
  const std::string file = style_targets_path(images_[1].path);
  const auto expect_error = [&](const std::vector<std::string>& more, const std::string& expected) {
    const std::string error = render_user_error(config_path, applying(more));
    EXPECT_NE(error.find(expected), std::string::npos) << "gave: " << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  };
  expect_error({"regions=[{mask = \"left.png\", images = [\"red.png\"]}]"},
               "regions: cannot be used with style.targets = " + file);
  expect_error({"style.replay=true"}, "style.replay: " + file + " is a kept style of [[regions]]");
  expect_error({"style.targets=[\"" + file + "\", \"" + file + "\"]"},
               "style.targets: " + file + " is a kept style of [[regions]]");
  // As a layer source of a plain render.
  const std::string as_source = render_user_error(
      write_config(dir_, 32, 1), {"style.layer_sources.relu2_1.targets=\"" + file + "\""});
  EXPECT_NE(as_source.find("style.layer_sources.relu2_1.targets: " + file +
                           " is a kept style of [[regions]]"),
            std::string::npos)
      << as_source;
  // A region's own kept style must be a plain one.
  const std::string as_region = render_user_error(
      write_regions_config(dir_, "[[regions]]\nmask = \"left.png\"\ntargets = \"" + file + "\"\n"));
  EXPECT_NE(as_region.find("regions[].targets: " + file + " is a kept style of [[regions]]"),
            std::string::npos)
      << as_region;

  // A changed mask, then a missing one.
  write_image((dir_ / "right.png").string(), column_mask(451, 300, [](int x) { return x >= 200; }));
  expect_error({}, "style.targets: " + file + ": region 1's mask " + (dir_ / "right.png").string() +
                       " has changed (its SHA-256 is not the recorded ");
  fs::remove(dir_ / "right.png");
  expect_error({}, "style.targets: " + file + ": region 1's mask " + (dir_ / "right.png").string() +
                       " is missing");
}

TEST_F(KeptRegions, AFileWithoutItsRegionsTensorsIsRefused) {
  const std::string file = style_targets_path(images_[1].path);
  SafetensorsFile read = read_safetensors(file);
  std::vector<TensorView> views;
  for (const auto& [name, tensor] : read.tensors)
    if (name != "region1.relu2_1.gram") views.push_back({name, tensor.shape, tensor.data.data()});
  write_safetensors(file, read.metadata, views);
  const std::string error = render_user_error(write_applying_config(), applying());
  EXPECT_NE(error.find(file + ": tensor region1.relu2_1.gram is missing"), std::string::npos)
      << error;
  // One tensor too many: the count names the regions.
  views.push_back({"region1.relu2_1.gram", read.tensors.at("region1.relu2_1.gram").shape,
                   read.tensors.at("region1.relu2_1.gram").data.data()});
  views.push_back({"relu2_1.gram", read.tensors.at("region1.relu2_1.gram").shape,
                   read.tensors.at("region1.relu2_1.gram").data.data()});
  write_safetensors(file, read.metadata, views);
  EXPECT_NE(render_user_error(write_applying_config(), applying())
                .find("holds 5 tensors but nsrg.layers names 2 layers for each of 2 regions"),
            std::string::npos);
}

// The output-path check counts a region's kept style and a layer source's kept style as inputs:
// an image whose kept style would overwrite one is refused before rendering.
TEST(KeptStyleInputs, AKeptStyleOfARegionOrALayerSourceIsNotOverwritten) {
  const fs::path dir = make_scratch_dir("kept_inputs");
  write_two_region_images(dir);
  const std::vector<std::string> family = keep_family_styles(dir, 1);
  ASSERT_EQ(family.size(), 1u);
  const std::string image = fs::path(family[0]).parent_path().string() + "/x.png";
  ASSERT_EQ(style_targets_path(image), family[0]);
  const std::vector<std::string> overwriting = {
      "output.path=\"" + image + "\"", "output.save_targets=true", "style.layers=[\"relu2_1\"]"};
  const std::string region =
      render_user_error(write_regions_config(dir, "[[regions]]\nmask = \"left.png\"\ntargets = \"" +
                                                      family[0] + "\"\n"),
                        overwriting);
  EXPECT_NE(region.find("is the input file"), std::string::npos) << region;
  std::vector<std::string> sourced = overwriting;
  sourced.push_back("style.layer_sources.relu2_1.targets=\"" + family[0] + "\"");
  const std::string source = render_user_error(write_config(dir, 32, 1), sourced);
  EXPECT_NE(source.find("is the input file"), std::string::npos) << source;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace nsrg::testing
