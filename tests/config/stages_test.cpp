// [[stages]], optimizer.history_precision, output.save_stages and memory_limit_mib: reading,
// resolving each stage against the top-level keys, and one-line errors naming the key.
#include <gtest/gtest.h>

#include "tests/config/config_test_folder.h"

namespace nsrg {
namespace {

using testing::ConfigFolder;
using testing::expect_user_error;

TEST(StagesConfig, AbsentMeansOneStageOfTheTopLevelKeys) {
  ConfigFolder folder;
  const RenderConfig config =
      load_config(folder.write_config("[optimizer]\nkind = \"adam\"\niterations = 12\nbeta1 = 0.8\n"
                                      "[loss]\ntv_weight = 0.02\n",
                                      "image_size = 96"),
                  {"style.scale=0.75"});
  ASSERT_EQ(config.stages.size(), 1u);
  EXPECT_FALSE(config.stage_tables);
  const Stage& only = config.stages[0];
  EXPECT_EQ(only.image_size, 96);
  EXPECT_EQ(only.iterations, 12);
  EXPECT_FLOAT_EQ(only.style_scale, 0.75f);
  EXPECT_FLOAT_EQ(only.tv_weight, 0.02f);
  EXPECT_EQ(only.optimizer.kind, OptimizerKind::Adam);
  EXPECT_FLOAT_EQ(only.optimizer.learning_rate, 10.0f);
  EXPECT_FLOAT_EQ(only.optimizer.beta1, 0.8f);
  EXPECT_FALSE(config.save_stages);
  EXPECT_EQ(config.top_level.optimizer.history_precision, HistoryPrecision::Fp32);
  EXPECT_EQ(config.memory_limit_mib, 0);
  EXPECT_FALSE(config_to_json(config).contains("stages"));
}

TEST(StagesConfig, StagesInheritTheTopLevelSettings) {
  ConfigFolder folder;
  const RenderConfig config = load_config(
      folder.write_config(
          "[optimizer]\nlearning_rate = 0.5\nhistory = 20\nhistory_precision = \"bf16\"\n"
          "[loss]\ntv_weight = 0.01\n[output]\nsave_stages = true\n"
          "[[stages]]\nimage_size = 64\niterations = 10\n"
          "[[stages]]\nimage_size = 128\niterations = 5\nhistory = 7\ntv_weight = 0.0\n"
          "style_scale = 1.5\nlearning_rate = 2.0\n"
          "[[stages]]\nimage_size = 256\niterations = 3\noptimizer = \"adam\"\n",
          "memory_limit_mib = 4096"),
      {"style.scale=0.5"});
  ASSERT_EQ(config.stages.size(), 3u);
  EXPECT_TRUE(config.save_stages);
  EXPECT_EQ(config.top_level.optimizer.history_precision, HistoryPrecision::Bf16);
  EXPECT_EQ(config.memory_limit_mib, 4096);
  EXPECT_TRUE(config.stage_tables);
  const Stage& a = config.stages[0];
  EXPECT_EQ(a.image_size, 64);
  EXPECT_EQ(a.iterations, 10);
  EXPECT_EQ(a.optimizer.kind, OptimizerKind::Lbfgs);
  EXPECT_FLOAT_EQ(a.optimizer.learning_rate, 0.5f);
  EXPECT_EQ(a.optimizer.history, 20);
  EXPECT_EQ(a.optimizer.history_precision, HistoryPrecision::Bf16);
  EXPECT_FLOAT_EQ(a.tv_weight, 0.01f);
  EXPECT_FLOAT_EQ(a.style_scale, 0.5f);
  const Stage& b = config.stages[1];
  EXPECT_EQ(b.optimizer.history, 7);
  EXPECT_FLOAT_EQ(b.tv_weight, 0.0f);
  EXPECT_FLOAT_EQ(b.style_scale, 1.5f);
  EXPECT_FLOAT_EQ(b.optimizer.learning_rate, 2.0f);
  // Another optimizer kind than the top level's takes that kind's default learning rate.
  const Stage& c = config.stages[2];
  EXPECT_EQ(c.optimizer.kind, OptimizerKind::Adam);
  EXPECT_FLOAT_EQ(c.optimizer.learning_rate, 10.0f);
  const nlohmann::json json = config_to_json(config);
  ASSERT_EQ(json["stages"].size(), 3u);
  EXPECT_EQ(json["stages"][1]["history"], 7);
  EXPECT_EQ(json["stages"][2]["optimizer"], "adam");
  EXPECT_EQ(json["optimizer"]["history_precision"], "bf16");
  EXPECT_EQ(json["output"]["save_stages"], true);
}

TEST(StagesConfig, MistakesNameTheStageKey) {
  ConfigFolder folder;
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases{
      {"[[stages]]\niterations = 3\n", {"stages[0].image_size", "required"}},
      {"[[stages]]\nimage_size = 64\niterations = 3\n[[stages]]\nimage_size = 64\n",
       {"stages[1].iterations", "required"}},
      {"[[stages]]\nimage_size = 8\niterations = 3\n", {"stages[0].image_size", ">= 16"}},
      {"[[stages]]\nimage_size = 64\niterations = 0\n", {"stages[0].iterations", ">= 1"}},
      {"[[stages]]\nimage_size = 64\niterations = 3\nsize = 5\n",
       {"unknown key", "stages[0].size"}},
      {"[[stages]]\nimage_size = 64\niterations = 3\noptimizer = \"sgd\"\n",
       {"stages[0].optimizer"}},
      {"[optimizer]\nhistory_precision = \"fp16\"\n", {"optimizer.history_precision"}},
  };
  for (const auto& [text, expected] : cases) {
    const std::string path = folder.write_config(text);
    expect_user_error([&] { load_config(path); }, expected);
  }
  const std::string not_tables = folder.write_config("", "stages = 3");
  expect_user_error([&] { load_config(not_tables); }, {"stages", "array of tables"});
  const std::string negative = folder.write_config("", "memory_limit_mib = -1");
  expect_user_error([&] { load_config(negative); }, {"memory_limit_mib", ">= 0"});
}

}  // namespace
}  // namespace nsrg
