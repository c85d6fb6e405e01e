// The memory plan against what renders use on the CPU backend, and the automatic L-BFGS
// history cap.
//
// The measured figure is the backend's own peak Tensor memory (peak_memory_bytes in the
// summary), the part of the plan that grows with the image: it counts exactly the bytes the
// engine asked for, whereas the process's RSS of a test also holds the test binary, pages
// never touched (an L-BFGS ring is resident only as far as it was written) and whatever the
// allocator keeps; bench/README.md compares the plan's total with the RSS of whole runs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/core/error.h"
#include "tests/engine/memory_plan_test_support.h"
#include "tests/engine/render_test_support.h"

namespace nsrg {
namespace {

using namespace nsrg::testing;

TEST(MemoryPlan, MatchesThePeakTensorMemoryAtSeveralSizes) {
  for (int size : {32, 64, 128}) {
    const auto dir = make_scratch_dir("plan" + std::to_string(size));
    render(write_config(dir, size, 3));
    SCOPED_TRACE(size);
    expect_plan_within_15_percent(dir);
    std::filesystem::remove_all(dir);
  }
}

TEST(MemoryPlan, MatchesWithStagesAdamRandomizationAndASweep) {
  const auto dir = make_scratch_dir("plan_mixed");
  render(write_config(dir, 16, 1,
                      "contact_sheet = false\n"
                      "[randomize]\nmode = \"replace_eigenvectors\"\nvariants = 2\n"
                      "[sweep]\nstyle_layers = [\"relu1_1\", \"relu3_1\"]\n"
                      "[[stages]]\nimage_size = 48\niterations = 2\n"
                      "[[stages]]\nimage_size = 96\niterations = 2\noptimizer = \"adam\"\n"
                      "style_scale = 1.5\n"));
  expect_plan_within_15_percent(dir);
  std::filesystem::remove_all(dir);
}

// [[regions]]: each region's Grams and randomized targets, its loss terms and the masked
// features buffer (the masks themselves are left out, a small share here).
TEST(MemoryPlan, MatchesWithTwoRandomizedRegions) {
  const auto dir = make_scratch_dir("plan_regions");
  const std::string regions = "regions=[{mask = \"" + example_image("chelsea_face_mask.png") +
                              "\", images = [\"" + example_image("coffee.png") +
                              "\"]}, {mask = \"" + example_image("chelsea_background_mask.png") +
                              "\", images = [\"" + example_image("hubble_deep_field.jpg") + "\"]}]";
  render(write_config(dir, 64, 2, "[randomize]\nmode = \"scale_eigenvectors\"\n"),
         {"style.images=[]", regions});
  expect_plan_within_15_percent(dir);
  std::filesystem::remove_all(dir);
}

TEST(MemoryPlan, LargeHistoryMatches) {
  const auto dir = make_scratch_dir("plan_history");
  render(write_config(dir, 96, 2), {"optimizer.history=400"});
  expect_plan_within_15_percent(dir);
  std::filesystem::remove_all(dir);
}

TEST(MemoryPlan, HistoryIsCappedToFitTheLimit) {
  // At 256 px a history pair is 2 x 0.5 MiB: 400 pairs take ~400 MiB more than 5 do.
  const auto dir = make_scratch_dir("plan_cap");
  const auto config = write_config(dir, 256, 2);
  std::ostringstream log;
  RenderConfig settings = load_config(config.string(), {"optimizer.history=400"});
  settings.memory_limit_mib = 800;
  RenderSession session(settings, log);
  session.run();
  EXPECT_NE(log.str().find("L-BFGS history capped at "), std::string::npos) << log.str();
  const nlohmann::json summary = summary_of(dir);
  EXPECT_LE(summary["memory_plan"]["total_bytes"].get<double>(), 800.0 * (1 << 20));
  std::filesystem::remove_all(dir);
}

TEST(MemoryPlan, ARenderThatCannotFitIsAUserError) {
  const auto dir = make_scratch_dir("plan_error");
  RenderConfig settings = load_config(write_config(dir, 64, 2).string());
  settings.memory_limit_mib = 50;
  std::ostringstream log;
  RenderSession session(settings, log);
  EXPECT_THROW(session.run(), UserError);
  EXPECT_FALSE(std::filesystem::exists(dir / "out/render.png"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nsrg
