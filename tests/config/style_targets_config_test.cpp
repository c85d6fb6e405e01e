// style.targets in the config: it replaces style.images, takes the file's layers and levels
// unless given, and every mismatch with the file is one line naming the key; style.replay
// only with a file whose lineage can be replayed.
#include <gtest/gtest.h>

#include "tests/config/config_test_folder.h"
#include "weights/sha256.h"
#include "weights/style_targets_file.h"

namespace nsrg {
namespace {

using testing::ConfigFolder;
using testing::expect_user_error;

// A targets file for relu2_1 and relu3_3 of the built-in model, levels "clamp".
std::string write_targets(const ConfigFolder& folder, const std::string& model) {
  StyleTargetsInfo info;
  info.model = model;
  info.layers = {"relu2_1", "relu3_3"};
  info.variant = "b";
  info.image_size = 64;
  info.levels = "clamp";
  const std::vector<float> gram(4, 1.0f);
  const std::string path = folder.path("kept.style.safetensors");
  write_style_targets(path, info, {{"", {2, 2}, gram.data()}, {"", {2, 2}, gram.data()}});
  return path;
}

std::string targets_config(const ConfigFolder& folder, const std::string& style_keys) {
  return folder.write("kept.toml",
                      "[content]\nimage = \"content.png\"\n[style]\ntargets = "
                      "\"kept.style.safetensors\"\n" +
                          style_keys);
}

TEST(StyleTargetsConfig, TakesTheFilesLayersAndLevels) {
  ConfigFolder folder;
  write_targets(folder, "builtin:vgg19-random");
  const RenderConfig config = load_config(targets_config(folder, ""));
  EXPECT_EQ(config.style_targets, std::vector<std::string>{folder.path("kept.style.safetensors")});
  EXPECT_TRUE(config.style_images.empty());
  EXPECT_EQ(config.style_layers, (std::vector<std::string>{"relu2_1", "relu3_3"}));
  EXPECT_EQ(config.levels, LevelsMode::Clamp);
  const RenderConfig given =
      load_config(targets_config(folder, "layers = [\"relu3_3\"]\n"), {"output.levels=\"auto\""});
  EXPECT_EQ(given.style_layers, (std::vector<std::string>{"relu3_3"}));
  EXPECT_EQ(given.levels, LevelsMode::Auto);
  // Randomizing a kept style again levels automatically, as any randomized render.
  EXPECT_EQ(
      load_config(targets_config(folder, ""), {"randomize.mode=\"scale_eigenvectors\""}).levels,
      LevelsMode::Auto);
  // config_to_json's empty lists read back.
  EXPECT_NO_THROW(load_config(targets_config(folder, "images = []\nblend_weights = []\n")));
}

TEST(StyleTargetsConfig, MismatchesNameTheKey) {
  ConfigFolder folder;
  write_targets(folder, "builtin:vgg19-random");
  const std::string file = folder.path("kept.style.safetensors");
  expect_user_error([&] { load_config(targets_config(folder, "layers = [\"relu4_1\"]\n")); },
                    {"kept.toml: style.layers: layer \"relu4_1\" has no target in " + file,
                     "(it holds [relu2_1, relu3_3])"});
  expect_user_error(
      [&] {
        load_config(targets_config(folder, ""), {"sweep.style_layers=[\"relu2_1\", \"relu1_1\"]"});
      },
      {"sweep.style_layers: layer \"relu1_1\" has no target"});
  expect_user_error([&] { load_config(targets_config(folder, "images = [\"style_a.png\"]\n")); },
                    {"style.images: cannot be used with style.targets"});
  const std::string weights = folder.write("weights.safetensors", "not really weights");
  expect_user_error(
      [&] { load_config(targets_config(folder, ""), {"model=\"weights.safetensors\""}); },
      {"model: is " + weights + " but style.targets " + file +
       " was made with builtin:vgg19-random"});
  // A weights file is compared by its hash, not by its path.
  write_targets(folder, folder.path("elsewhere/weights.safetensors"));
  expect_user_error(
      [&] { load_config(targets_config(folder, ""), {"model=\"weights.safetensors\""}); },
      {"(another weights file)"});
  expect_user_error([&] { load_config(targets_config(folder, ""), {"style.targets=\"none.st\""}); },
                    {"style.targets", "none.st"});
}

TEST(StyleTargetsConfig, AWeightsFileWithTheSameHashMatches) {
  ConfigFolder folder;
  folder.write("weights.safetensors", "not really weights");
  StyleTargetsInfo info;
  info.model = "/somewhere/else/copy.safetensors";
  info.model_sha256 = sha256_hex("not really weights");
  info.layers = {"relu1_1"};
  info.levels = "auto";
  info.image_size = 8;
  const std::vector<float> gram(1, 1.0f);
  write_style_targets(folder.path("kept.style.safetensors"), info, {{"", {1, 1}, gram.data()}});
  EXPECT_NO_THROW(load_config(targets_config(folder, ""), {"model=\"weights.safetensors\""}));
}

// A targets file of relu2_1 and relu3_3 whose lineage is `lineage`.
void write_targets_with_lineage(const ConfigFolder& folder, const Lineage& lineage) {
  StyleTargetsInfo info;
  info.model = "builtin:vgg19-random";
  info.layers = {"relu2_1", "relu3_3"};
  info.variant = "a";
  info.image_size = 64;
  info.levels = "auto";
  info.lineage = lineage;
  const std::vector<float> gram(4, 1.0f);
  write_style_targets(folder.path("kept.style.safetensors"), info,
                      {{"", {2, 2}, gram.data()}, {"", {2, 2}, gram.data()}});
}

TEST(StyleTargetsConfig, ReplayNeedsAReplayableLineage) {
  ConfigFolder folder;
  LineageRoot root;
  root.kind = LineageRootKind::Images;
  root.model = "builtin:vgg19-random";
  root.style_images = {{folder.path("style_a.png"), sha256_hex("dummy"), 1.0f}};
  RandomizeSettings scale;
  scale.mode = RandomizeMode::ScaleEigenvectors;
  Lineage lineage = captured_lineage(root);
  append_randomize_step(lineage, {"", 4, "a", {{"relu2_1", scale}, {"relu3_3", scale}}});
  write_targets_with_lineage(folder, lineage);
  // Written to the JSON only when true, so summaries of runs without it are as they were.
  EXPECT_FALSE(config_to_json(load_config(targets_config(folder, "")))["style"].contains("replay"));
  const std::string config = targets_config(folder, "replay = true\n");
  EXPECT_TRUE(load_config(config).style_replay);
  EXPECT_EQ(config_to_json(load_config(config))["style"]["replay"], true);

  expect_user_error([&] { load_config(folder.write_config(""), {"style.replay=true"}); },
                    {"style.replay: needs style.targets"});
  // A step without a layer the render uses; a root of another model; a blend (replayable,
  // then with a parent of unknown root or a parent step without a layer); a changed image.
  Lineage partial = lineage;
  std::get<RandomizeStep>(partial.steps[0]).layers.pop_back();
  write_targets_with_lineage(folder, partial);
  expect_user_error([&] { load_config(config); },
                    {"style.replay: ", "lineage step 1 has no entry for layer relu3_3"});
  Lineage other_model = lineage;
  other_model.root.model = "builtin:other";
  write_targets_with_lineage(folder, other_model);
  expect_user_error([&] { load_config(config); },
                    {"the lineage's model builtin:other is not the file's model"});
  BlendStep blend;
  blend.weights = {1, 1};
  blend.parents = {{std::string(64, 'a'), lineage}, {std::string(64, 'b'), lineage}};
  write_targets_with_lineage(folder, blended_lineage(blend));
  EXPECT_TRUE(load_config(config).style_replay);  // a blend of replayable parents replays
  blend.parents[1].lineage = unknown_lineage();
  write_targets_with_lineage(folder, blended_lineage(blend));
  expect_user_error([&] { load_config(config); },
                    {"style.replay: ",
                     " (blend parent 2 of 2, SHA-256 bbbbbbbbbbbb...) has no "
                     "lineage to replay (its root is unknown"});
  blend.parents[1].lineage = partial;
  write_targets_with_lineage(folder, blended_lineage(blend));
  expect_user_error([&] { load_config(config); },
                    {" (blend parent 2 of 2, SHA-256 bbbbbbbbbbbb...): lineage step 1 has no "
                     "entry for layer relu3_3"});
  write_targets_with_lineage(folder, lineage);
  folder.write("style_a.png", "changed");
  expect_user_error(
      [&] { load_config(config); },
      {"style.replay: style image " + folder.path("style_a.png"), "'s lineage has changed"});
}

}  // namespace
}  // namespace nsrg
