// [path] in the config: path.styles (at least two different kept styles, one model, the same
// layers) replaces style.images and style.targets; frames >= 2; a path renders one image per
// frame, so variants, sweeps, stages and save_targets are refused; every mistake is one line
// naming the key. A path config written as JSON reads back the same.
#include <gtest/gtest.h>

#include "tests/config/config_test_folder.h"
#include "weights/style_targets_file.h"

namespace nsrg {
namespace {

using testing::ConfigFolder;
using testing::expect_user_error;

// A kept style of relu2_1 and relu3_3 made with `model`, levels `levels`.
std::string write_kept(const ConfigFolder& folder, const std::string& name,
                       const std::string& model, const std::string& levels = "clamp") {
  return testing::write_kept_style(folder, name, {"relu2_1", "relu3_3"}, model, levels);
}

// A config with [path] `path_keys` and [style] `style_keys` (no images).
std::string path_config(const ConfigFolder& folder, const std::string& path_keys,
                        const std::string& style_keys = "") {
  return folder.write("morph.toml", "[content]\nimage = \"content.png\"\n[style]\n" + style_keys +
                                        "[path]\n" + path_keys);
}

class PathConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = write_kept(folder_, "a.style.safetensors", "builtin:vgg19-random");
    b_ = write_kept(folder_, "b.style.safetensors", "builtin:vgg19-random");
  }
  ConfigFolder folder_;
  std::string a_, b_;
  const std::string two_ = "styles = [\"a.style.safetensors\", \"b.style.safetensors\"]\n";
};

TEST_F(PathConfig, ReadsTheKeysWithTheirDefaultsAndTheFilesLayersAndLevels) {
  const RenderConfig config = load_config(path_config(folder_, two_ + "frames = 8\n"));
  EXPECT_TRUE(config.path.given);
  EXPECT_EQ(config.path.styles, (std::vector<std::string>{a_, b_}));
  EXPECT_EQ(config.path.frames, 8);
  EXPECT_EQ(config.path.space, BlendSpace::Wasserstein);
  EXPECT_EQ(config.path.iterations, 100);
  EXPECT_EQ(config.path.frame_ms, 100);
  EXPECT_TRUE(config.style_images.empty());
  EXPECT_TRUE(config.style_targets.empty());
  EXPECT_TRUE(config.style_blend_weights.empty());
  EXPECT_EQ(config.style_layers, (std::vector<std::string>{"relu2_1", "relu3_3"}));
  EXPECT_EQ(config.levels, LevelsMode::Clamp);
  const RenderConfig set = load_config(path_config(
      folder_, two_ + "frames = 3\nspace = \"linear\"\niterations = 7\nframe_ms = 40\n"));
  EXPECT_EQ(set.path.space, BlendSpace::Linear);
  EXPECT_EQ(set.path.iterations, 7);
  EXPECT_EQ(set.path.frame_ms, 40);
  // Without [path] nothing changes and the summary's config has no "path".
  const RenderConfig plain = load_config(folder_.write_config(""));
  EXPECT_FALSE(plain.path.given);
  EXPECT_FALSE(config_to_json(plain).contains("path"));
  EXPECT_TRUE(config_to_json(config).contains("path"));
}

TEST_F(PathConfig, AWrittenPathConfigReadsBackTheSame) {
  const RenderConfig config = load_config(
      path_config(folder_, two_ + "frames = 5\nspace = \"log_euclidean\"\niterations = 9\n"));
  // The summary's config as TOML: the JSON keys, one table per section.
  const nlohmann::json written = config_to_json(config);
  std::string toml;
  for (const auto& [section, value] : written.items())
    if (!value.is_object()) toml += section + " = " + value.dump() + "\n";
  for (const auto& [section, value] : written.items()) {
    if (!value.is_object()) continue;
    toml += "[" + section + "]\n";
    for (const auto& [key, entry] : value.items()) toml += key + " = " + entry.dump() + "\n";
  }
  const std::string again = folder_.write("again.toml", toml);
  EXPECT_EQ(config_to_json(load_config(again)), written) << toml;
}

TEST_F(PathConfig, BadPathsAreOneLineNamingTheKey) {
  expect_user_error(
      [&] {
        load_config(path_config(folder_, "styles = [\"a.style.safetensors\"]\nframes = 4\n"));
      },
      {"morph.toml: path.styles: a path runs through at least two kept styles (got 1)"});
  expect_user_error(
      [&] {
        load_config(path_config(
            folder_, "styles = [\"a.style.safetensors\", \"a.style.safetensors\"]\nframes = 4\n"));
      },
      {"path.styles: names only " + a_ + "; a path needs at least two different kept styles"});
  expect_user_error([&] { load_config(path_config(folder_, two_ + "frames = 1\n")); },
                    {"morph.toml: path.frames: must be >= 2 (got 1)"});
  expect_user_error([&] { load_config(path_config(folder_, two_)); },
                    {"path.frames: is required in [path] (the number of frames)"});
  expect_user_error([&] { load_config(path_config(folder_, "frames = 4\n")); },
                    {"path.styles: is required (the kept styles"});
  expect_user_error(
      [&] {
        load_config(path_config(
            folder_,
            "styles = [\"a.style.safetensors\", \"gone.style.safetensors\"]\nframes = 4\n"));
      },
      {"path.styles[1]", "gone.style.safetensors"});
  expect_user_error(
      [&] { load_config(path_config(folder_, two_ + "frames = 4\nspace = \"bures\"\n")); },
      {"path.space"});
}

TEST_F(PathConfig, OtherStyleSourcesAndSeveralImagesPerFrameAreRefused) {
  expect_user_error(
      [&] {
        load_config(path_config(folder_, two_ + "frames = 4\n", "images = [\"style_a.png\"]\n"));
      },
      {"style.images: cannot be used with [path] (path.styles names the kept styles)"});
  expect_user_error(
      [&] {
        load_config(
            path_config(folder_, two_ + "frames = 4\n", "targets = \"a.style.safetensors\"\n"));
      },
      {"style.targets: cannot be used with [path]"});
  expect_user_error(
      [&] { load_config(path_config(folder_, two_ + "frames = 4\n", "blend_weights = [1, 2]\n")); },
      {"style.blend_weights: cannot be used with [path]"});
  const std::string config = path_config(folder_, two_ + "frames = 4\n");
  expect_user_error([&] { load_config(config, {"randomize.variants=3"}); },
                    {"randomize.variants: must be 1 with [path]"});
  expect_user_error([&] { load_config(config, {"sweep.style_layers=[\"relu2_1\"]"}); },
                    {"sweep.style_layers: cannot be used with [path]"});
  expect_user_error([&] { load_config(config, {"output.save_targets=true"}); },
                    {"output.save_targets: cannot be used with [path]"});
  expect_user_error(
      [&] {
        load_config(folder_.write("staged.toml",
                                  "[content]\nimage = \"content.png\"\n[path]\n" + two_ +
                                      "frames = 4\n[[stages]]\nimage_size = 32\niterations = 2\n"));
      },
      {"stages: cannot be used with [path]"});
}

TEST_F(PathConfig, FilesOfAnotherModelOrOtherLayersAreRefused) {
  const std::string weights = folder_.write("weights.safetensors", "not really weights");
  write_kept(folder_, "c.style.safetensors", weights);
  expect_user_error(
      [&] {
        load_config(path_config(
            folder_, "styles = [\"a.style.safetensors\", \"c.style.safetensors\"]\nframes = 4\n"));
      },
      {"model: is builtin:vgg19-random but path.styles " + folder_.path("c.style.safetensors") +
       " was made with " + weights});
  StyleTargetsInfo info;
  info.model = "builtin:vgg19-random";
  info.layers = {"relu1_1"};
  info.image_size = 64;
  info.levels = "clamp";
  const std::vector<float> gram(4, 1.0f);
  write_style_targets(folder_.path("d.style.safetensors"), info, {{"", {2, 2}, gram.data()}});
  expect_user_error(
      [&] {
        load_config(path_config(
            folder_, "styles = [\"a.style.safetensors\", \"d.style.safetensors\"]\nframes = 4\n"));
      },
      {"path.styles: " + folder_.path("d.style.safetensors") + " holds the layers [relu1_1]"});
}

}  // namespace
}  // namespace nsrg
