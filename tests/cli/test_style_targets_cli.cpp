// The command line with kept styles: output.save_targets writes a targets file beside the
// image; style.targets naming a layer the file lacks, or a file that is not a targets file,
// and style.replay of a kept style whose root style image is gone, are one line on stderr
// and exit status 2, and nothing is written.
#include "tests/cli/cli_test_support.h"

namespace nsrg_cli_test {
namespace {

TEST_F(CliTest, KeptStyleMismatchIsExitStatusTwoWithOneLine) {
  const fs::path config = write_config(
      valid_config("save_targets = true\n[randomize]\nmode = \"scale_eigenvectors\"\n"));
  const Result saved = run(config.string() + " --set 'style.layers=[\"relu2_1\"]'");
  ASSERT_EQ(saved.status, 0) << saved.err;
  const fs::path targets = dir_ / "out/x.style.safetensors";
  ASSERT_TRUE(fs::exists(targets));

  const std::string images = std::string(NSRG_SOURCE_DIR) + "/examples/images/";
  const fs::path kept = dir_ / "kept.toml";
  std::ofstream(kept) << "backend = \"cpu\"\nimage_size = 32\n[content]\nimage = \"" << images
                      << "chelsea.png\"\n[style]\ntargets = \"" << targets.string()
                      << "\"\n[optimizer]\niterations = 2\n[output]\npath = \"out/k.png\"\n";
  const Result wrong = run(kept.string() + " --set 'style.layers=[\"relu3_1\"]'");
  EXPECT_EQ(wrong.status, 2);
  EXPECT_EQ(line_count(wrong.err), 1) << wrong.err;
  EXPECT_NE(wrong.err.find("style.layers: layer \"relu3_1\" has no target in " + targets.string()),
            std::string::npos)
      << wrong.err;
  EXPECT_FALSE(fs::exists(dir_ / "out/k.png"));

  const Result not_targets =
      run(kept.string() + " --set 'style.targets=\"" + images + "chelsea.png\"'");
  EXPECT_EQ(not_targets.status, 2);
  EXPECT_EQ(line_count(not_targets.err), 1) << not_targets.err;

  const Result good = run(kept.string());
  EXPECT_EQ(good.status, 0) << good.err;
  EXPECT_TRUE(fs::exists(dir_ / "out/k.png"));
}

TEST_F(CliTest, ReplayWithAMissingRootImageIsExitStatusTwoWithOneLine) {
  // A variant kept from a copy of the style image, which is then removed.
  const std::string images = std::string(NSRG_SOURCE_DIR) + "/examples/images/";
  const fs::path style = dir_ / "style.png";
  fs::copy_file(images + "brick.png", style);
  std::string body = valid_config("save_targets = true\n[randomize]\nmode = \"random_gram\"\n");
  body.replace(body.find(images + "brick.png"), (images + "brick.png").size(), style.string());
  const Result saved = run(write_config(body).string() + " --set 'style.layers=[\"relu2_1\"]'");
  ASSERT_EQ(saved.status, 0) << saved.err;
  const fs::path targets = dir_ / "out/x.style.safetensors";
  const fs::path kept = dir_ / "kept.toml";
  std::ofstream(kept) << "backend = \"cpu\"\nimage_size = 64\n[content]\nimage = \"" << images
                      << "chelsea.png\"\n[style]\ntargets = \"" << targets.string()
                      << "\"\nreplay = true\n[optimizer]\niterations = 2\n[output]\npath = "
                         "\"out/k.png\"\n";
  ASSERT_EQ(run(kept.string()).status, 0);  // replayed at 64 px
  fs::remove(style);
  const Result missing = run(kept.string() + " --set 'output.path=\"out/m.png\"'");
  EXPECT_EQ(missing.status, 2);
  EXPECT_EQ(line_count(missing.err), 1) << missing.err;
  EXPECT_NE(missing.err.find("style.replay: style image " + style.string() + " of " +
                             targets.string() + "'s lineage is missing"),
            std::string::npos)
      << missing.err;
  EXPECT_FALSE(fs::exists(dir_ / "out/m.png"));
}

}  // namespace
}  // namespace nsrg_cli_test
