// The [evaluation] section: tile_size as a number, "auto" or absent (0), its bounds and its
// one-line errors, normalize_gradients with tiles (accepted: a norm pass), and the summary's JSON
// (written only when the file has the section, so other configs keep their hashes).
#include <gtest/gtest.h>

#include "tests/config/config_test_folder.h"

namespace nsrg {
namespace {

using testing::ConfigFolder;
using testing::expect_user_error;

TEST(EvaluationConfig, AbsentMeansWholeImageAndStaysOutOfTheSummary) {
  ConfigFolder folder;
  const RenderConfig config = load_config(folder.write_config(""));
  EXPECT_FALSE(config.evaluation.given);
  EXPECT_EQ(config.evaluation.tile_size, 0);
  EXPECT_FALSE(config_to_json(config).contains("evaluation"));
}

TEST(EvaluationConfig, ANumberOrAuto) {
  ConfigFolder folder;
  const RenderConfig sized = load_config(folder.write_config("[evaluation]\ntile_size = 512\n"));
  EXPECT_TRUE(sized.evaluation.given);
  EXPECT_EQ(sized.evaluation.tile_size, 512);
  EXPECT_EQ(config_to_json(sized)["evaluation"]["tile_size"], 512);
  const RenderConfig automatic =
      load_config(folder.write_config("[evaluation]\ntile_size = \"auto\"\n"));
  EXPECT_EQ(automatic.evaluation.tile_size, kAutoTileSize);
  EXPECT_EQ(config_to_json(automatic)["evaluation"]["tile_size"], "auto");
  const RenderConfig overridden =
      load_config(folder.write_config(""), {"evaluation.tile_size=\"auto\""});
  EXPECT_EQ(overridden.evaluation.tile_size, kAutoTileSize);
}

TEST(EvaluationConfig, BadValuesAreOneLineNamingTheKey) {
  ConfigFolder folder;
  expect_user_error(
      [&] { load_config(folder.write_config("[evaluation]\ntile_size = \"big\"\n")); },
      {"render.toml", "evaluation.tile_size", "\"auto\""});
  expect_user_error([&] { load_config(folder.write_config("[evaluation]\ntile_size = -3\n")); },
                    {"render.toml", "evaluation.tile_size", ">= 0"});
  expect_user_error([&] { load_config(folder.write_config("[evaluation]\ntile_size = 1.5\n")); },
                    {"render.toml", "evaluation.tile_size"});
  expect_user_error([&] { load_config(folder.write_config("[evaluation]\ntiles = 64\n")); },
                    {"render.toml", "evaluation.tiles"});
}

TEST(EvaluationConfig, WithNormalizeGradients) {
  ConfigFolder folder;
  const RenderConfig config = load_config(folder.write_config(
      "[evaluation]\ntile_size = \"auto\"\n[loss]\nnormalize_gradients = true\n"));
  EXPECT_EQ(config.evaluation.tile_size, kAutoTileSize);
  EXPECT_TRUE(config.normalize_gradients);
}

}  // namespace
}  // namespace nsrg
