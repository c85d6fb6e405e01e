// A new user's first runs from the repository root: the README's examples that name
// downloaded weights say, in their one error line, how to get them and how to render now
// with the built-in model, and that way of rendering now works as printed.
#include <regex>

#include "tests/cli/cli_test_support.h"

namespace nsrg_cli_test {
namespace {

const char* const kExamplesWithDownloadedWeights[] = {"examples/variants.toml",
                                                      "examples/fantasy.toml"};

class FirstRunTest : public CliTest {
 protected:
  // nsrg-engine run from the repository root, as the README runs it.
  Result run_at_root(const std::string& args) { return run(args, NSRG_SOURCE_DIR); }
  void SetUp() override {
    CliTest::SetUp();
    if (fs::exists(fs::path(NSRG_SOURCE_DIR) / "weights/vgg19.safetensors"))
      GTEST_SKIP() << "weights/vgg19.safetensors is there (downloaded): the examples run";
  }
};

TEST_F(FirstRunTest, ExamplesNamingDownloadedWeightsSayHowToGetThemAndHowToRenderNow) {
  for (const char* example : kExamplesWithDownloadedWeights) {
    const Result r = run_at_root(example);
    EXPECT_EQ(r.status, 2) << example;
    EXPECT_EQ(line_count(r.err), 1) << r.err;
    for (const std::string& part :
         {std::string(example) + ": model: file not found: ",
          std::string("; get it with \"bash tools/download_models.sh vgg19\" (a 575 MB download)"),
          std::string("or render now with the built-in random-weight VGG-19"),
          std::string("--set model=\\\"builtin:vgg19-random\\\"")})
      EXPECT_NE(r.err.find(part), std::string::npos) << "'" << part << "' not in: " << r.err;
  }
}

TEST_F(FirstRunTest, TheBuiltInModelRendersTheExamplesAsTheMessageSays) {
  for (const char* example : kExamplesWithDownloadedWeights) {
    const Result failed = run_at_root(example);
    std::smatch render_now;
    ASSERT_TRUE(std::regex_search(failed.err, render_now, std::regex("--set model=\\S+")))
        << failed.err;
    // The words as printed (a shell reads them), made small and written into the test folder.
    const Result r = run_at_root(std::string(example) + " " + render_now.str() +
                                 " --set image_size=32 --set optimizer.iterations=1 --variants 1"
                                 " --set 'sweep.style_layers=[]' --set output.path=\\\"" +
                                 (dir_ / "out/x-{variant}.png").string() + "\\\"");
    EXPECT_EQ(r.status, 0) << example << ": " << r.err;
    EXPECT_TRUE(fs::exists(dir_ / "out/x-a.png")) << example;
    EXPECT_NE(r.out.find("model: built-in random-weight VGG-19"), std::string::npos) << r.out;
    fs::remove_all(dir_ / "out");
  }
}

}  // namespace
}  // namespace nsrg_cli_test
