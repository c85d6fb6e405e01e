// The command line with a [path]: bad paths (frames < 2, one style, style images beside the
// path, a shard of a path) stop with one line and exit status 2 before anything is written;
// a good one writes its frames, the animated WebP and the gallery page.
#include "tests/cli/cli_test_support.h"

namespace nsrg_cli_test {
namespace {

class MorphPathCliTest : public CliTest {
 protected:
  // Keeps variants a and b of relu2_1 and relu3_1, and writes morph.toml running a -> b.
  void SetUp() override {
    CliTest::SetUp();
    const fs::path family = write_config(valid_config(
        "save_targets = true\n[randomize]\nmode = \"scale_eigenvectors\"\nvariants = 2\n"));
    const Result saved = run(family.string() +
                             " --set 'style.layers=[\"relu2_1\", \"relu3_1\"]' "
                             "--set 'output.path=\"out/f{variant}.png\"'");
    ASSERT_EQ(saved.status, 0) << saved.err;
    const std::string images = std::string(NSRG_SOURCE_DIR) + "/examples/images/";
    morph_ = dir_ / "morph.toml";
    std::ofstream(morph_) << "backend = \"cpu\"\nimage_size = 32\n[content]\nimage = \"" << images
                          << "chelsea.png\"\n[path]\nstyles = [\"out/fa.style.safetensors\", "
                          << "\"out/fb.style.safetensors\"]\nframes = 3\niterations = 2\n"
                          << "[optimizer]\niterations = 3\n[output]\npath = \"m/p.png\"\n";
  }

  void expect_refused(const std::string& options, const std::string& message) {
    const Result refused = run(morph_.string() + " " + options);
    EXPECT_EQ(refused.status, 2) << options;
    EXPECT_EQ(line_count(refused.err), 1) << refused.err;
    EXPECT_NE(refused.err.find(message), std::string::npos) << refused.err;
    EXPECT_FALSE(fs::exists(dir_ / "m")) << options;
  }

  fs::path morph_;
};

TEST_F(MorphPathCliTest, BadPathsAreExitStatusTwoBeforeRendering) {
  expect_refused("--set path.frames=1", "path.frames: must be >= 2 (got 1)");
  expect_refused("--set 'path.styles=[\"out/fa.style.safetensors\"]'",
                 "path.styles: a path runs through at least two kept styles (got 1)");
  expect_refused("--set 'style.images=[\"out/fa.png\"]'",
                 "style.images: cannot be used with [path]");
  expect_refused("--shard 0/2", "cannot be split into shards");
}

TEST_F(MorphPathCliTest, APathWritesItsFramesTheWebPAndTheGallery) {
  const Result done = run(morph_.string());
  ASSERT_EQ(done.status, 0) << done.err;
  for (const char* frame :
       {"p-000.png", "p-001.png", "p-002.png", "p.webp", "p.json", "p_sheet.png", "index.html"})
    EXPECT_TRUE(fs::exists(dir_ / "m" / frame)) << frame;
  EXPECT_NE(done.out.find("frame 002 of 3: t 1"), std::string::npos) << done.out;
}

}  // namespace
}  // namespace nsrg_cli_test
