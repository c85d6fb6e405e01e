// Keeping a style: output.save_targets writes each image's style targets with their
// provenance; style.targets renders with them, bit for bit like the original variant on the
// CPU backend; a file that does not match the config is a one-line UserError.
#include <gtest/gtest.h>
#include <unistd.h>

#include "engine/core/error.h"
#include "engine/image/image.h"
#include "engine/stages/image_style_targets.h"
#include "tests/engine/render_test_support.h"
#include "weights/sha256.h"
#include "weights/style_targets_file.h"

namespace nsrg {
namespace {

using namespace nsrg::testing;

std::string user_error_of(const std::filesystem::path& config,
                          const std::vector<std::string>& overrides) {
  try {
    render(config, overrides);
  } catch (const UserError& error) {
    return error.what();
  }
  return "";
}

class KeptStyle : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_scratch_dir("targets");
    // Three scale_eigenvectors variants of two layers at once, targets kept.
    config_ =
        write_config(dir_, 32, 6, "[randomize]\nmode = \"scale_eigenvectors\"\nvariants = 3\n");
    images_ = render(config_, {"style.layers=[\"relu2_1\", \"relu3_3\"]", "output.path=\"v/x.png\"",
                               "output.save_targets=true", "init.kind=\"image\""});
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_, config_;
  std::vector<RenderedImage> images_;
};

TEST_F(KeptStyle, SavedFileHoldsEveryLayerAndItsProvenance) {
  ASSERT_EQ(images_.size(), 3u);
  const std::string file = style_targets_path(images_[2].path);
  EXPECT_EQ(file, (dir_ / "v/x-c.style.safetensors").string());
  const StyleTargets targets = read_style_targets(file);
  const StyleTargetsInfo& info = targets.info;
  EXPECT_EQ(info.model, "builtin:vgg19-random");
  EXPECT_EQ(info.model_sha256, "");
  EXPECT_EQ(info.layers, (std::vector<std::string>{"relu2_1", "relu3_3"}));
  EXPECT_EQ(info.seed, 9u);
  EXPECT_EQ(info.variant, "c");
  EXPECT_EQ(info.image_size, 32);
  EXPECT_EQ(info.levels, "auto");
  ASSERT_EQ(info.sources.size(), 1u);
  EXPECT_EQ(info.sources[0].file, example_image("hubble_deep_field.jpg"));
  EXPECT_EQ(info.sources[0].sha256, sha256_file_hex(example_image("hubble_deep_field.jpg")));
  ASSERT_EQ(info.randomization.size(), 2u);
  EXPECT_EQ(info.randomization[1].layer, "relu3_3");
  EXPECT_EQ(info.randomization[1].settings.mode, RandomizeMode::ScaleEigenvectors);
  EXPECT_FLOAT_EQ(info.randomization[1].settings.lo, 0.1f);
  EXPECT_FLOAT_EQ(info.randomization[1].settings.hi, 1.9f);
  ASSERT_EQ(targets.grams.size(), 2u);
  EXPECT_EQ(targets.grams[0].shape, (std::vector<int64_t>{128, 128}));
  EXPECT_EQ(targets.grams[1].shape, (std::vector<int64_t>{256, 256}));
  // Different variants keep different targets.
  const StyleTargets a = read_style_targets(style_targets_path(images_[0].path));
  EXPECT_NE(a.grams[1].data, targets.grams[1].data);
}

TEST_F(KeptStyle, RenderingWithSavedTargetsReproducesTheVariantBitForBit) {
  // No style image and no randomization: the file's targets, the variant's seed (8 = b).
  const auto kept = write_targets_config(dir_, style_targets_path(images_[1].path), "");
  const RenderConfig config = load_config(kept.string(), {"seed=8"});
  EXPECT_TRUE(config.style_images.empty());
  EXPECT_EQ(config.style_layers, (std::vector<std::string>{"relu2_1", "relu3_3"}));  // the file's
  EXPECT_EQ(config.levels, LevelsMode::Auto);  // the original render's levels
  EXPECT_FALSE(config.any_randomization());
  const std::vector<RenderedImage> again = render(kept, {"seed=8"});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].mode, "none");
  EXPECT_EQ(read_image(again[0].path).rgb, read_image(images_[1].path).rgb);
  EXPECT_NE(read_image(again[0].path).rgb, read_image(images_[0].path).rgb);
  // A subset of the kept layers is a kept style too.
  EXPECT_EQ(render(kept, {"seed=8", "style.layers=[\"relu3_3\"]"}).size(), 1u);
}

TEST_F(KeptStyle, MismatchesAreOneLineUserErrors) {
  const std::string file = style_targets_path(images_[0].path);
  const auto kept = write_targets_config(dir_, file, "");
  const std::string missing_layer = user_error_of(kept, {"style.layers=[\"relu4_1\"]"});
  EXPECT_NE(missing_layer.find("style.layers: layer \"relu4_1\" has no target in " + file),
            std::string::npos)
      << missing_layer;
  EXPECT_NE(user_error_of(kept, {"sweep.style_layers=[\"relu1_1\"]"}).find("sweep.style_layers"),
            std::string::npos);
  EXPECT_NE(user_error_of(kept, {"style.images=[\"" + example_image("brick.png") + "\"]"})
                .find("style.images: cannot be used with style.targets"),
            std::string::npos);

  // Another model than the file's (weights files are compared by their SHA-256).
  const std::string other_model =
      (std::filesystem::path(NSRG_SHARED_DIR) / "weights/vgg16_imagenet_conv.safetensors")
          .lexically_normal()
          .string();
  if (std::filesystem::exists(other_model)) {
    const std::string wrong = user_error_of(kept, {"model=\"" + other_model + "\""});
    EXPECT_NE(wrong.find("model: is " + other_model + " but style.targets " + file +
                         " was made with builtin:vgg19-random"),
              std::string::npos)
        << wrong;
    EXPECT_EQ(wrong.find('\n'), std::string::npos);
  }

  // Not a targets file; a Gram of the wrong size for the layer.
  const std::filesystem::path plain = dir_ / "plain.safetensors";
  const std::vector<float> data(4, 1.0f);
  write_safetensors(plain.string(), {}, {{"relu3_3.gram", {2, 2}, data.data()}});
  const std::string not_targets = user_error_of(write_targets_config(dir_, plain.string(), ""), {});
  EXPECT_NE(not_targets.find(plain.string() + ": not a style targets file"), std::string::npos)
      << not_targets;
  StyleTargetsInfo info = read_style_targets_info(file);
  info.layers = {"relu3_3"};
  const std::filesystem::path small = dir_ / "small.safetensors";
  write_style_targets(small.string(), info, {{"", {2, 2}, data.data()}});
  const std::string wrong_size = user_error_of(write_targets_config(dir_, small.string(), ""), {});
  EXPECT_NE(wrong_size.find("tensor relu3_3.gram is 2x2 but layer relu3_3 has 256 channels"),
            std::string::npos)
      << wrong_size;
}

TEST(StyleTargetsFile, ReaderChecksShapesAndMetadata) {
  const auto dir = make_scratch_dir("targets_file");
  StyleTargetsInfo info;
  info.model = "builtin:vgg19-random";
  info.layers = {"relu1_1"};
  info.randomization = {{"relu1_1", RandomizeSettings{}}};
  info.variant = "a";
  info.image_size = 64;
  info.levels = "minmax";
  const std::vector<float> data(6, 0.5f);
  const std::string good = (dir / "good.safetensors").string();
  write_style_targets(good, info, {{"", {2, 2}, data.data()}});
  EXPECT_EQ(read_style_targets(good).grams[0].data, std::vector<float>(4, 0.5f));
  // A non-square tensor under the layer's name.
  const std::string bad = (dir / "bad.safetensors").string();
  SafetensorsFile file = read_safetensors(good);
  write_safetensors(bad, file.metadata, {{"relu1_1.gram", {2, 3}, data.data()}});
  try {
    read_style_targets(bad);
    ADD_FAILURE() << "a 2x3 Gram was accepted";
  } catch (const UserError& error) {
    EXPECT_NE(std::string(error.what()).find("relu1_1.gram is not a square"), std::string::npos);
  }
  // A missing tensor, a broken metadata entry.
  write_safetensors(bad, file.metadata, {});
  EXPECT_THROW(read_style_targets(bad), UserError);
  file.metadata["nsrg.layers"] = "[\"relu1_1\", 3]";
  write_safetensors(bad, file.metadata, {{"relu1_1.gram", {2, 2}, data.data()}});
  EXPECT_THROW(read_style_targets_info(bad), UserError);
  // A randomization mode this build does not know.
  file.metadata["nsrg.layers"] = "[\"relu1_1\"]";
  file.metadata["nsrg.randomization"] =
      R"([{"layer": "relu1_1", "mode": "shuffle", "range": [0.1, 1.9], )"
      R"("distribution": "uniform", "mix": 1}])";
  write_safetensors(bad, file.metadata, {{"relu1_1.gram", {2, 2}, data.data()}});
  try {
    read_style_targets_info(bad);
    ADD_FAILURE() << "an unknown mode was accepted";
  } catch (const UserError& error) {
    EXPECT_NE(std::string(error.what()).find("field \"mode\" is \"shuffle\", not one of none, "),
              std::string::npos)
        << error.what();
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nsrg
