// The command line with blended kept styles: two variants kept by output.save_targets,
// blended by style.targets = [a, b]. Weights that do not match the files or are negative stop
// the run with one line and exit status 2 before anything is written; a blend renders in each
// space; the end of a path (weights [1, 0]) renders exactly what the first file alone does.
#include "tests/cli/cli_test_support.h"

namespace nsrg_cli_test {
namespace {

class BlendCliTest : public CliTest {
 protected:
  // Keeps variants a and b of relu2_1 and relu3_1, and writes blend.toml rendering both.
  void SetUp() override {
    CliTest::SetUp();
    const fs::path family = write_config(valid_config(
        "save_targets = true\n[randomize]\nmode = \"scale_eigenvectors\"\nvariants = 2\n"));
    const Result saved = run(family.string() +
                             " --set 'style.layers=[\"relu2_1\", \"relu3_1\"]' "
                             "--set 'output.path=\"out/f{variant}.png\"'");
    ASSERT_EQ(saved.status, 0) << saved.err;
    a_ = (dir_ / "out/fa.style.safetensors").string();
    b_ = (dir_ / "out/fb.style.safetensors").string();
    ASSERT_TRUE(fs::exists(a_) && fs::exists(b_));
    const std::string images = std::string(NSRG_SOURCE_DIR) + "/examples/images/";
    blend_ = dir_ / "blend.toml";
    std::ofstream(blend_) << "backend = \"cpu\"\nimage_size = 32\nseed = 4\n[content]\nimage = \""
                          << images << "chelsea.png\"\n[style]\ntargets = [\"" << a_ << "\", \""
                          << b_ << "\"]\n[optimizer]\niterations = 3\n[output]\npath = "
                          << "\"out/blend.png\"\n";
  }

  void expect_refused(const std::string& options, const std::string& message) {
    const Result refused = run(blend_.string() + " " + options);
    EXPECT_EQ(refused.status, 2) << options;
    EXPECT_EQ(line_count(refused.err), 1) << refused.err;
    EXPECT_NE(refused.err.find(message), std::string::npos) << refused.err;
    EXPECT_FALSE(fs::exists(dir_ / "out/blend.png"));
  }

  std::string a_, b_;
  fs::path blend_;
};

TEST_F(BlendCliTest, BadWeightsAreExitStatusTwoBeforeRendering) {
  expect_refused("--set 'style.blend_weights=[1, 2, 3]'",
                 "style.blend_weights: has 3 values but style.targets has 2");
  expect_refused("--set 'style.blend_weights=[1, -1]'", "style.blend_weights[1]: must be >= 0");
  expect_refused("--set 'style.blend_space=\"bures\"'", "style.blend_space");
}

TEST_F(BlendCliTest, EverySpaceRendersAndThePathEndIsTheFirstStyle) {
  for (const char* space : {"linear", "log_euclidean", "wasserstein"}) {
    const Result blended = run(blend_.string() + " --set 'style.blend_space=\"" + space +
                               "\"' --set 'output.path=\"out/" + space + ".png\"'");
    EXPECT_EQ(blended.status, 0) << space << ": " << blended.err;
    EXPECT_TRUE(fs::exists(dir_ / "out" / (std::string(space) + ".png")));
  }
  const std::string summary = read_file(dir_ / "out/wasserstein.json");
  EXPECT_NE(summary.find("\"blend_space\": \"wasserstein\""), std::string::npos);

  const Result end = run(blend_.string() +
                         " --set 'style.blend_weights=[1, 0]' --set 'style.blend_space="
                         "\"wasserstein\"' --set 'output.path=\"out/end.png\"'");
  ASSERT_EQ(end.status, 0) << end.err;
  const Result alone = run(blend_.string() + " --set 'style.targets=\"" + a_ +
                           "\"' --set 'output.path=\"out/alone.png\"'");
  ASSERT_EQ(alone.status, 0) << alone.err;
  EXPECT_EQ(read_file(dir_ / "out/end.png"), read_file(dir_ / "out/alone.png"));
}

}  // namespace
}  // namespace nsrg_cli_test
