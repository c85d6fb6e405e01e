// load_config with --set overrides: TOML values, bare strings, new tables, validation.
#include <gtest/gtest.h>

#include "tests/config/config_test_folder.h"

namespace nsrg {
namespace {

using testing::ConfigFolder;
using testing::expect_user_error;

TEST(ConfigOverrides, TomlValuesOfEveryKind) {
  ConfigFolder folder;
  const std::string path = folder.write_config("[optimizer]\niterations = 10", "seed = 3");
  const RenderConfig config =
      load_config(path, {"optimizer.iterations=50", "style.layers=[\"relu3_3\", \"relu4_1\"]",
                         "output.path=\"renders/x.png\"", "seed=7", "output.save_raw=true",
                         "style.weight=2.5", "output.percentiles=[2, 97]"});
  EXPECT_EQ(config.top_level.iterations, 50);
  EXPECT_EQ(config.style_layers, (std::vector<std::string>{"relu3_3", "relu4_1"}));
  EXPECT_EQ(config.output_path, folder.path("renders/x.png"));
  EXPECT_EQ(config.seed, 7u);
  EXPECT_TRUE(config.save_raw);
  EXPECT_FLOAT_EQ(config.style_weight, 2.5f);
  EXPECT_FLOAT_EQ(config.levels_low_percentile, 2.0f);
  EXPECT_FLOAT_EQ(config.levels_high_percentile, 97.0f);
}

TEST(ConfigOverrides, BareWordsAreStrings) {
  ConfigFolder folder;
  const RenderConfig config =
      load_config(folder.write_config(""), {"backend=cpu", "output.path=renders/y.jpg",
                                            "network.pooling=avg", "model=builtin:vgg19-random"});
  EXPECT_EQ(config.backend, BackendChoice::Cpu);
  EXPECT_EQ(config.output_path, folder.path("renders/y.jpg"));
  EXPECT_EQ(config.pooling, PoolKind::Average);
  EXPECT_EQ(config.model, "builtin:vgg19-random");
}

TEST(ConfigOverrides, WhitespaceAroundKeyAndValueIsIgnored) {
  ConfigFolder folder;
  const RenderConfig config =
      load_config(folder.write_config(""), {" optimizer.iterations = 30 ", "backend= cuda"});
  EXPECT_EQ(config.top_level.iterations, 30);
  EXPECT_EQ(config.backend, BackendChoice::Cuda);
}

TEST(ConfigOverrides, MissingTablesAreCreated) {
  ConfigFolder folder;
  const RenderConfig config =
      load_config(folder.write_config(""),
                  {"randomize.mode=scale_eigenvectors", "randomize.layers.relu2_1.mix=0.5",
                   "randomize.layers.relu1_1={mode = \"random_gram\"}"});
  EXPECT_EQ(config.randomize.mode, RandomizeMode::ScaleEigenvectors);
  ASSERT_EQ(config.randomize_layers.size(), 2u);
  EXPECT_FLOAT_EQ(config.randomize_layers.at("relu2_1").mix, 0.5f);
  EXPECT_EQ(config.randomize_layers.at("relu2_1").mode, RandomizeMode::ScaleEigenvectors);
  EXPECT_EQ(config.randomize_layers.at("relu1_1").mode, RandomizeMode::RandomGram);
}

TEST(ConfigOverrides, LaterOverridesWin) {
  ConfigFolder folder;
  const RenderConfig config =
      load_config(folder.write_config("[optimizer]\nkind = \"adam\""),
                  {"optimizer.iterations=5", "optimizer.iterations=6", "optimizer.kind=lbfgs"});
  EXPECT_EQ(config.top_level.iterations, 6);
  EXPECT_EQ(config.top_level.optimizer.kind, OptimizerKind::Lbfgs);
  EXPECT_FLOAT_EQ(config.top_level.optimizer.learning_rate, 1.0f);
}

TEST(ConfigOverrides, ValidatedLikeFileKeys) {
  ConfigFolder folder;
  const std::string path = folder.write_config("");
  expect_user_error([&] { load_config(path, {"style.wieght=3"}); },
                    {path, ": unknown key \"style.wieght\" (from --set)"});
  expect_user_error([&] { load_config(path, {"optimizer.iterations=0"}); },
                    {path, ": optimizer.iterations: must be >= 1 (got 0) (from --set)"});
  expect_user_error([&] { load_config(path, {"optimizer.iterations=1.5"}); },
                    {path, ": optimizer.iterations: expected an integer, got float"});
  expect_user_error([&] { load_config(path, {"style.layers=[\"relu1_1\", 3]"}); },
                    {path, ": style.layers[1]: expected a string, got integer (from --set)"});
  expect_user_error([&] { load_config(path, {"randomize.layers.relu1_1={mix = 2}"}); },
                    {path, ": randomize.layers.relu1_1.mix: must be <= 1 (got 2) (from --set)"});
  expect_user_error([&] { load_config(path, {"content.image=missing.png"}); },
                    {path, ": content.image: file not found: " + folder.path("missing.png")});
  expect_user_error([&] { load_config(path, {"output.path="}); },
                    {path, ": output.path: must not be empty"});
}

TEST(ConfigOverrides, FileKeysAreNotMarkedAsOverrides) {
  ConfigFolder folder;
  const std::string path = folder.write_config("[optimizer]\niterations = 0");
  const std::string message =
      expect_user_error([&] { load_config(path, {"optimizer.history=5"}); },
                        {path, "optimizer.iterations: must be >= 1 (got 0)"});
  EXPECT_EQ(message.find("--set"), std::string::npos) << message;
}

TEST(ConfigOverrides, AValueCannotSmuggleInOtherKeys) {
  ConfigFolder folder;
  const std::string path = folder.write_config("");
  // Not one TOML value, so the whole text is a string.
  expect_user_error([&] { load_config(path, {"seed=1\nbackend = \"cuda\""}); },
                    {path, ": seed: expected an integer, got string"});
}

TEST(ConfigOverrides, MalformedAssignments) {
  ConfigFolder folder;
  const std::string path = folder.write_config("");
  for (const std::string bad :
       {"foo", "=3", "a..b=1", "style weight=1", ".seed=1", "seed.=1", "\"seed\"=1"}) {
    const std::string message = expect_user_error(
        [&] { load_config(path, {bad}); }, {"--set " + bad + ": expected section.key=VALUE"});
    EXPECT_EQ(message.rfind("--set ", 0), 0u) << message;
  }
  for (const std::string bad :
       {"style.layers=[relu3_3]", "output.path=\"x.png", "randomize.layers.relu1_1={mode=}"}) {
    const std::string message = expect_user_error(
        [&] { load_config(path, {bad}); }, {"--set " + bad + ": the value is not valid TOML"});
    EXPECT_EQ(message.find('\n'), std::string::npos);
  }
  expect_user_error([&] { load_config(path, {"two\nlines"}); },
                    {"--set two lines: expected section.key=VALUE"});
  const std::string with_weight = folder.write_config("weight = 3", "", "weight.toml");
  expect_user_error([&] { load_config(with_weight, {"style.weight.x=1"}); },
                    {"--set style.weight.x=1: style.weight is not a table"});
  // Where the table does not exist yet it is created, and the type check names it.
  expect_user_error([&] { load_config(path, {"style.weight.x=1"}); },
                    {path, ": style.weight: expected a number, got table (from --set)"});
}

}  // namespace
}  // namespace nsrg
