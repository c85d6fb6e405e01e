// [randomize] and [randomize.layers.<name>]: inheritance, look-ups, the levels default.
#include <gtest/gtest.h>

#include "tests/config/config_test_folder.h"

namespace nsrg {
namespace {

using testing::ConfigFolder;

TEST(ConfigRandomize, LayersInheritTheSectionAndOverrideKeys) {
  ConfigFolder folder;
  const RenderConfig config = load_config(folder.write_config(R"(
[randomize]
mode = "scale_eigenvectors"
range = [0.2, 1.4]
distribution = "normal"
mix = 0.75
variants = 4
[randomize.layers.relu3_1]
mode = "replace_eigenvectors"
[randomize.layers.relu4_1]
range = [0.9, 1.1]
mix = 0.5
[randomize.layers.relu5_1]
mode = "none"
)"));
  EXPECT_EQ(config.variants, 4);
  ASSERT_EQ(config.randomize_layers.size(), 3u);

  const RandomizeSettings relu3 = config.randomization_for("relu3_1");
  EXPECT_EQ(relu3.mode, RandomizeMode::ReplaceEigenvectors);
  EXPECT_FLOAT_EQ(relu3.lo, 0.2f);
  EXPECT_FLOAT_EQ(relu3.hi, 1.4f);
  EXPECT_EQ(relu3.distribution, RandomDistribution::Normal);
  EXPECT_FLOAT_EQ(relu3.mix, 0.75f);

  const RandomizeSettings relu4 = config.randomization_for("relu4_1");
  EXPECT_EQ(relu4.mode, RandomizeMode::ScaleEigenvectors);
  EXPECT_FLOAT_EQ(relu4.lo, 0.9f);
  EXPECT_FLOAT_EQ(relu4.hi, 1.1f);
  EXPECT_EQ(relu4.distribution, RandomDistribution::Normal);
  EXPECT_FLOAT_EQ(relu4.mix, 0.5f);

  EXPECT_EQ(config.randomization_for("relu5_1").mode, RandomizeMode::None);

  // A layer without its own table gets the section's settings.
  const RandomizeSettings relu1 = config.randomization_for("relu1_1");
  EXPECT_EQ(relu1.mode, RandomizeMode::ScaleEigenvectors);
  EXPECT_FLOAT_EQ(relu1.lo, 0.2f);
  EXPECT_FLOAT_EQ(relu1.mix, 0.75f);
  EXPECT_TRUE(config.any_randomization());
}

TEST(ConfigRandomize, AnyRandomizationLooksAtEveryLayer) {
  RenderConfig config;
  EXPECT_FALSE(config.any_randomization());
  config.randomize_layers["relu2_1"].mode = RandomizeMode::None;
  EXPECT_FALSE(config.any_randomization());
  config.randomize_layers["relu3_1"].mode = RandomizeMode::RandomGram;
  EXPECT_TRUE(config.any_randomization());
  EXPECT_EQ(config.randomization_for("relu3_1").mode, RandomizeMode::RandomGram);
  EXPECT_EQ(config.randomization_for("relu4_1").mode, RandomizeMode::None);
}

TEST(ConfigRandomize, LevelsDefaultSwitchesToAutoWhenRandomized) {
  ConfigFolder folder;
  EXPECT_EQ(load_config(folder.write_config("")).levels, LevelsMode::MinMax);
  EXPECT_EQ(load_config(folder.write_config("[randomize]\nmode = \"none\"")).levels,
            LevelsMode::MinMax);
  EXPECT_EQ(load_config(folder.write_config("[randomize]\nmode = \"scale_eigenvalues\"")).levels,
            LevelsMode::Auto);
  EXPECT_EQ(
      load_config(folder.write_config("[randomize.layers.relu2_1]\nmode = \"random_gram\"")).levels,
      LevelsMode::Auto);
  // Explicit levels win.
  EXPECT_EQ(load_config(folder.write_config(
                            "[output]\nlevels = \"clamp\"\n[randomize]\nmode = \"random_gram\""))
                .levels,
            LevelsMode::Clamp);
  // A layer table without a mode inherits "none", so the default stays.
  EXPECT_EQ(load_config(folder.write_config("[randomize.layers.relu2_1]\nmix = 0.5")).levels,
            LevelsMode::MinMax);
}

}  // namespace
}  // namespace nsrg
