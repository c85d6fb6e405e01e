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

  const LayerRandomization relu3 = config.randomization_for("relu3_1");
  EXPECT_EQ(relu3.mode, "replace_eigenvectors");
  EXPECT_FLOAT_EQ(relu3.range_lo, 0.2f);
  EXPECT_FLOAT_EQ(relu3.range_hi, 1.4f);
  EXPECT_EQ(relu3.distribution, "normal");
  EXPECT_FLOAT_EQ(relu3.mix, 0.75f);

  const LayerRandomization relu4 = config.randomization_for("relu4_1");
  EXPECT_EQ(relu4.mode, "scale_eigenvectors");
  EXPECT_FLOAT_EQ(relu4.range_lo, 0.9f);
  EXPECT_FLOAT_EQ(relu4.range_hi, 1.1f);
  EXPECT_EQ(relu4.distribution, "normal");
  EXPECT_FLOAT_EQ(relu4.mix, 0.5f);

  EXPECT_EQ(config.randomization_for("relu5_1").mode, "none");

  // A layer without its own table gets the section's settings.
  const LayerRandomization relu1 = config.randomization_for("relu1_1");
  EXPECT_EQ(relu1.mode, "scale_eigenvectors");
  EXPECT_FLOAT_EQ(relu1.range_lo, 0.2f);
  EXPECT_FLOAT_EQ(relu1.mix, 0.75f);
  EXPECT_TRUE(config.any_randomization());
}

TEST(ConfigRandomize, AnyRandomizationLooksAtEveryLayer) {
  RenderConfig config;
  EXPECT_FALSE(config.any_randomization());
  config.randomize_layers["relu2_1"].mode = "none";
  EXPECT_FALSE(config.any_randomization());
  config.randomize_layers["relu3_1"].mode = "random_gram";
  EXPECT_TRUE(config.any_randomization());
  EXPECT_EQ(config.randomization_for("relu3_1").mode, "random_gram");
  EXPECT_EQ(config.randomization_for("relu4_1").mode, "none");
}

TEST(ConfigRandomize, LevelsDefaultSwitchesToAutoWhenRandomized) {
  ConfigFolder folder;
  EXPECT_EQ(load_config(folder.write_config("")).levels, "minmax");
  EXPECT_EQ(load_config(folder.write_config("[randomize]\nmode = \"none\"")).levels, "minmax");
  EXPECT_EQ(load_config(folder.write_config("[randomize]\nmode = \"scale_eigenvalues\"")).levels,
            "auto");
  EXPECT_EQ(
      load_config(folder.write_config("[randomize.layers.relu2_1]\nmode = \"random_gram\"")).levels,
      "auto");
  // Explicit levels win.
  EXPECT_EQ(load_config(folder.write_config(
                            "[output]\nlevels = \"clamp\"\n[randomize]\nmode = \"random_gram\""))
                .levels,
            "clamp");
  // A layer table without a mode inherits "none", so the default stays.
  EXPECT_EQ(load_config(folder.write_config("[randomize.layers.relu2_1]\nmix = 0.5")).levels,
            "minmax");
}

}  // namespace
}  // namespace nsrg
