// style.targets as a list of kept styles, style.blend_weights and style.blend_space: what a
// config reads, and every mistake (weights that do not match the files, negative weights,
// files of mixed models or layer sets, an unknown space, a replay of several files) one line
// naming the key.
#include <gtest/gtest.h>

#include "tests/config/config_test_folder.h"
#include "weights/style_targets_file.h"

namespace nsrg {
namespace {

using testing::ConfigFolder;
using testing::expect_user_error;
using testing::write_kept_style;

std::string blend_config(const ConfigFolder& folder, const std::string& style_keys) {
  return folder.write("blend.toml",
                      "[content]\nimage = \"content.png\"\n[style]\ntargets = [\"a.st\", "
                      "\"b.st\"]\n" +
                          style_keys);
}

TEST(BlendConfig, ReadsTheFilesWeightsAndSpace) {
  ConfigFolder folder;
  const std::string a = write_kept_style(folder, "a.st", {"relu2_1", "relu3_1"});
  const std::string b = write_kept_style(folder, "b.st", {"relu2_1", "relu3_1"});
  const RenderConfig config =
      load_config(blend_config(folder, "blend_weights = [1, 3]\nblend_space = \"wasserstein\"\n"));
  EXPECT_EQ(config.style_targets, (std::vector<std::string>{a, b}));
  EXPECT_EQ(config.style_blend_weights, (std::vector<float>{0.25f, 0.75f}));
  EXPECT_EQ(config.style_blend_space, BlendSpace::Wasserstein);
  EXPECT_EQ(config.style_layers, (std::vector<std::string>{"relu2_1", "relu3_1"}));
  EXPECT_EQ(config.levels, LevelsMode::Clamp);
  // Defaults: equal weights, linear.
  const RenderConfig plain = load_config(blend_config(folder, ""));
  EXPECT_EQ(plain.style_blend_weights, (std::vector<float>{0.5f, 0.5f}));
  EXPECT_EQ(plain.style_blend_space, BlendSpace::Linear);
  // The summary's config reads back: a list for several files, weights and space.
  const nlohmann::json json = config_to_json(config);
  EXPECT_EQ(json["style"]["targets"], (nlohmann::json{a, b}));
  EXPECT_EQ(json["style"]["blend_space"], "wasserstein");
  EXPECT_EQ(json["style"]["blend_weights"], (nlohmann::json{0.25, 0.75}));
  // One file is still a string.
  EXPECT_EQ(config_to_json(load_config(blend_config(folder, ""),
                                       {"style.targets=\"a.st\""}))["style"]["targets"],
            a);
}

TEST(BlendConfig, FilesOfOtherLevelsBlendWithAutoLevels) {
  ConfigFolder folder;
  write_kept_style(folder, "a.st", {"relu2_1"}, "builtin:vgg19-random", "clamp");
  write_kept_style(folder, "b.st", {"relu2_1"}, "builtin:vgg19-random", "minmax");
  EXPECT_EQ(load_config(blend_config(folder, "")).levels, LevelsMode::Auto);
}

TEST(BlendConfig, MistakesAreOneLineNamingTheKey) {
  ConfigFolder folder;
  write_kept_style(folder, "a.st", {"relu2_1", "relu3_1"});
  const std::string b = write_kept_style(folder, "b.st", {"relu2_1", "relu3_1"});
  expect_user_error([&] { load_config(blend_config(folder, "blend_weights = [1, 2, 3]\n")); },
                    {"blend.toml: style.blend_weights: has 3 values but style.targets has 2"});
  expect_user_error([&] { load_config(blend_config(folder, "blend_weights = [1, -2]\n")); },
                    {"style.blend_weights[1]: must be >= 0"});
  expect_user_error([&] { load_config(blend_config(folder, "blend_weights = [0, 0]\n")); },
                    {"style.blend_weights: must have a positive, finite sum"});
  expect_user_error([&] { load_config(blend_config(folder, "blend_space = \"geodesic\"\n")); },
                    {"style.blend_space", "geodesic"});
  expect_user_error([&] { load_config(blend_config(folder, ""), {"style.targets=5"}); },
                    {"style.targets: must be a file name or a list of file names, not a integer"});
  expect_user_error(
      [&] { load_config(blend_config(folder, ""), {"style.targets=[\"a.st\", \"gone.st\"]"}); },
      {"style.targets[1]", "gone.st"});
  // A replay rebuilds one kept style from its lineage, never a blend of several files.
  expect_user_error([&] { load_config(blend_config(folder, "replay = true\n")); },
                    {"style.replay: replays one kept style, but style.targets lists 2 files"});
  // Style images blend linearly; the space is for kept styles.
  expect_user_error(
      [&] {
        load_config(folder.write_config(""), {"style.images=[\"style_a.png\", \"style_b.jpg\"]",
                                              "style.blend_space=\"log_euclidean\""});
      },
      {"style.blend_space: blends kept styles (style.targets)"});

  // Mixed models: the file that differs is named.
  write_kept_style(folder, "b.st", {"relu2_1", "relu3_1"}, "/elsewhere/vgg16.safetensors");
  expect_user_error([&] { load_config(blend_config(folder, "")); },
                    {"model: is builtin:vgg19-random but style.targets " + b,
                     "was made with /elsewhere/vgg16.safetensors"});
  // Mixed layer sets: without style.layers, one line; with layers both files hold, fine.
  write_kept_style(folder, "b.st", {"relu2_1", "relu4_1"});
  expect_user_error([&] { load_config(blend_config(folder, "")); },
                    {"style.targets: " + b + " holds the layers [relu2_1, relu4_1] but",
                     "name the layers to blend in style.layers"});
  EXPECT_EQ(load_config(blend_config(folder, "layers = [\"relu2_1\"]\n")).style_layers,
            (std::vector<std::string>{"relu2_1"}));
  expect_user_error([&] { load_config(blend_config(folder, "layers = [\"relu3_1\"]\n")); },
                    {"style.layers: layer \"relu3_1\" has no target in " + b});
}

}  // namespace
}  // namespace nsrg
