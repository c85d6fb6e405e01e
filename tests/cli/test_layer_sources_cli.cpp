// The command line with [style.layer_sources]: a bad layer source (not a style layer, two
// sources, a missing file, a kept style without the layer) stops with one line and exit
// status 2 before anything is written; a good one renders.
#include "tests/cli/cli_test_support.h"

namespace nsrg_cli_test {
namespace {

class LayerSourcesCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    config_ =
        write_config(valid_config()).string() + " --set 'style.layers=[\"relu1_1\", \"relu3_1\"]'";
  }

  void expect_refused(const std::string& options, const std::string& message) {
    const Result refused = run(config_ + " " + options);
    EXPECT_EQ(refused.status, 2) << options;
    EXPECT_EQ(line_count(refused.err), 1) << refused.err;
    EXPECT_NE(refused.err.find(message), std::string::npos) << refused.err;
    EXPECT_FALSE(fs::exists(dir_ / "out")) << options;
  }

  const std::string gravel_ = std::string(NSRG_SOURCE_DIR) + "/examples/images/gravel.png";
  std::string config_;
};

TEST_F(LayerSourcesCliTest, BadSourcesAreExitStatusTwoBeforeRendering) {
  expect_refused("--set 'style.layer_sources.relu2_1.images=[\"" + gravel_ + "\"]'",
                 "style.layer_sources.relu2_1: \"relu2_1\" is not a style layer");
  expect_refused(
      "--set 'style.layer_sources.relu1_1={images=[\"" + gravel_ + "\"], targets=\"config.toml\"}'",
      "style.layer_sources.relu1_1: gives both images and targets");
  expect_refused("--set 'style.layer_sources.relu1_1.images=[\"missing.png\"]'",
                 "style.layer_sources.relu1_1.images[0]");
  expect_refused("--set 'style.layer_sources.relu1_1.targets=\"config.toml\"'", "config.toml");
}

TEST_F(LayerSourcesCliTest, AKeptStyleWithoutTheLayerIsRefused) {
  const Result kept = run(config_ +
                          " --set output.save_targets=true --set "
                          "'style.layers=[\"relu3_1\"]' --set 'output.path=\"k/k.png\"'");
  ASSERT_EQ(kept.status, 0) << kept.err;
  expect_refused("--set 'style.layer_sources.relu1_1.targets=\"k/k.style.safetensors\"'",
                 "style.layer_sources.relu1_1.targets: layer \"relu1_1\" has no target in");
}

TEST_F(LayerSourcesCliTest, ARenderWithALayerSourceWritesItsImage) {
  const Result done =
      run(config_ + " --set 'style.layer_sources.relu1_1.images=[\"" + gravel_ + "\"]'");
  ASSERT_EQ(done.status, 0) << done.err;
  EXPECT_TRUE(fs::exists(dir_ / "out/x.png"));
  EXPECT_NE(read_file(dir_ / "out/x.json").find("\"layer_sources\""), std::string::npos);
}

}  // namespace
}  // namespace nsrg_cli_test
