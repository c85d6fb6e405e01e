// Output path templates: variant letters, short layer names, completion of a template for
// variants and sweeps, expansion, and the derived run-level paths.
#include <gtest/gtest.h>

#include "engine/output/output_names.h"
#include "engine/render/progress.h"

namespace nsrg {
namespace {

TEST(OutputNames, VariantLetters) {
  EXPECT_EQ(variant_letters(0), "a");
  EXPECT_EQ(variant_letters(2), "c");
  EXPECT_EQ(variant_letters(25), "z");
  EXPECT_EQ(variant_letters(26), "aa");
  EXPECT_EQ(variant_letters(27), "ab");
  EXPECT_EQ(variant_letters(51), "az");
  EXPECT_EQ(variant_letters(52), "ba");
  EXPECT_EQ(variant_letters(26 + 26 * 26), "aaa");
}

TEST(OutputNames, ShortLayerNames) {
  EXPECT_EQ(short_layer_names({"relu3_3"}), "r33");
  EXPECT_EQ(short_layer_names({"relu3_2", "relu3_3"}), "r32+r33");
  EXPECT_EQ(short_layer_names({"conv1_2", "pool4", "fc7"}), "c12+p4+fc7");
}

TEST(OutputNames, CompleteTemplate) {
  EXPECT_EQ(complete_output_template("out/x.png", false, false), "out/x.png");
  EXPECT_EQ(complete_output_template("out/x.png", true, false), "out/x-{variant}.png");
  EXPECT_EQ(complete_output_template("out/x.png", false, true), "out/x-{layer}.png");
  EXPECT_EQ(complete_output_template("out/x.png", true, true), "out/x-{layer}{variant}.png");
  EXPECT_EQ(complete_output_template("out/compos-{layer}{variant}.jpg", true, true),
            "out/compos-{layer}{variant}.jpg");
}

TEST(OutputNames, ExpandTemplate) {
  OutputFields fields;
  fields.variant = 2;
  fields.seed = 42;
  fields.style_layers = {"relu3_3"};
  fields.mode = "scale_eigenvectors";
  EXPECT_EQ(expand_output_template("out/compos-{layer}{variant}.png", fields),
            "out/compos-r33c.png");
  EXPECT_EQ(expand_output_template("{mode}_{seed}.png", fields), "scale_eigenvectors_42.png");
}

TEST(OutputNames, RunBaseAndDerivedPaths) {
  EXPECT_EQ(run_base_path("out/compos-{layer}{variant}.png"), "out/compos.png");
  EXPECT_EQ(run_base_path("out/x-{variant}.png"), "out/x.png");
  EXPECT_EQ(run_base_path("out/{variant}.png"), "out/render.png");
  EXPECT_EQ(with_stem_suffix("out/x.png", "_100"), "out/x_100.png");
  EXPECT_EQ(with_extension("out/x.png", ".json"), "out/x.json");
}

TEST(Progress, DurationAndLine) {
  EXPECT_EQ(format_duration(12.34), "12.3s");
  EXPECT_EQ(format_duration(232), "3m52s");
  EXPECT_EQ(format_duration(3720), "1h02m");
  LossValues losses{100, 10, 80, 10};
  const std::string line = format_progress(50, 1000, losses, 4.0);
  EXPECT_NE(line.find("iter   50/1000"), std::string::npos) << line;
  EXPECT_NE(line.find("ETA 3m58s"), std::string::npos) << line;
}

}  // namespace
}  // namespace nsrg
