// nsrg-engine renders the same bytes on any thread count: a 64 px render with Adam from the
// content image, with L-BFGS from noise, and a randomized variant, each at threads = 1, 2 and
// 3, give byte-identical images and identical loss histories in their summaries.
#include <nlohmann/json.hpp>

#include "tests/cli/cli_test_support.h"

namespace nsrg_cli_test {
namespace {

class ThreadsCliTest : public CliTest {
 protected:
  // Renders examples/default.toml with `options` at `threads` into folder t<threads>/; returns
  // the image's bytes and the summary's losses (the history and each image's final losses
  // and history, without timings).
  std::pair<std::string, std::string> render(const std::string& options, int threads) {
    const fs::path out = dir_ / ("t" + std::to_string(threads)) / "r.png";
    const Result r = run(std::string(NSRG_SOURCE_DIR) + "/examples/default.toml --backend cpu " +
                         "--set image_size=64 --set threads=" + std::to_string(threads) +
                         " --set output.path=\\\"" + out.string() + "\\\" " + options);
    EXPECT_EQ(r.status, 0) << r.err;
    const nlohmann::json summary = nlohmann::json::parse(read_file(out.parent_path() / "r.json"));
    nlohmann::json losses = {{"history", summary.at("history")},
                             {"images", nlohmann::json::array()}};
    for (const nlohmann::json& image : summary.at("images"))
      losses["images"].push_back(
          {{"final_losses", image.at("final_losses")}, {"history", image.at("history")}});
    EXPECT_FALSE(summary.at("history").empty());
    return {read_file(out), losses.dump()};
  }

  void expect_thread_independent(const std::string& options) {
    const auto [image, losses] = render(options, 1);
    ASSERT_FALSE(image.empty());
    for (int threads : {2, 3}) {
      const auto [other_image, other_losses] = render(options, threads);
      EXPECT_TRUE(other_image == image) << threads << " threads render other bytes";
      EXPECT_EQ(other_losses, losses) << threads << " threads";
    }
  }
};

TEST_F(ThreadsCliTest, AdamFromTheContentImage) {
  expect_thread_independent("--set optimizer.iterations=8");
}

TEST_F(ThreadsCliTest, LbfgsFromNoise) {
  expect_thread_independent(
      "--set optimizer.kind=\\\"lbfgs\\\" --set init.kind=\\\"random\\\" "
      "--set optimizer.iterations=10");
}

TEST_F(ThreadsCliTest, RandomizedVariant) {
  expect_thread_independent(
      "--set optimizer.iterations=6 --set randomize.mode=\\\"scale_eigenvectors\\\" "
      "--set randomize.variants=1 --seed 5");
}

}  // namespace
}  // namespace nsrg_cli_test
