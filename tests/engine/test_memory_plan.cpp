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
#include "engine/cpu/cpu_backend.h"
#include "engine/stages/stages.h"
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

// The override of two regions: the cat's face in coffee.png's style, the background in
// `background_style`'s (example images).
std::string two_regions(const std::string& background_style) {
  return "regions=[{mask = \"" + example_image("chelsea_face_mask.png") + "\", images = [\"" +
         example_image("coffee.png") + "\"]}, {mask = \"" +
         example_image("chelsea_background_mask.png") + "\", images = [\"" +
         example_image(background_style) + "\"]}]";
}

// [[regions]]: each region's Grams and randomized targets, its masks, its loss terms and the
// masked features buffer.
TEST(MemoryPlan, MatchesWithTwoRandomizedRegions) {
  const auto dir = make_scratch_dir("plan_regions");
  render(write_config(dir, 64, 2, "[randomize]\nmode = \"scale_eigenvectors\"\n"),
         {"style.images=[]", two_regions("hubble_deep_field.jpg")});
  expect_plan_within_15_percent(dir);
  std::filesystem::remove_all(dir);
}

// One region more adds, at the peak of the renders, its Grams, its mask at every style
// layer's resolution and one loss slot per style layer, no more and no less (the plan of the
// same inputs with regions = 2 and 3, nothing randomized).
TEST(MemoryPlan, EachRegionAddsItsGramsAndItsMasks) {
  const auto dir = make_scratch_dir("plan_region_masks");
  const RenderConfig config = load_config(
      write_config(dir, 96, 1).string(),
      {"style.images=[]", two_regions("coffee.png"), "style.layers=[\"relu1_1\", \"relu2_1\"]"});
  const Model model = load_model(config.model, "relu4_2");
  std::vector<StageInputs> inputs;
  inputs.push_back(load_stage_images(config, config.stages.front()));
  auto backend = make_cpu_backend();
  MemoryPlanInput input = memory_plan_input(config, model.layers, {config.style_layers},
                                            config.stages, inputs, *backend);
  ASSERT_EQ(input.regions, 2);
  const MemoryPlan two = plan_memory(input);
  input.regions = 3;
  const MemoryPlan three = plan_memory(input);
  ASSERT_FALSE(two.peak_in_capture);
  ASSERT_FALSE(three.peak_in_capture);
  const std::vector<Shape> shapes =
      Network::plan_buffers(model.layers, std::vector<bool>(model.layers.size(), false),
                            input.stages.front().content, int(model.layers.size()) - 1)
          .shapes;
  size_t expected = 0;
  for (const std::string& name : config.style_layers) {
    size_t index = 0;
    while (model.layers[index].name != name) ++index;
    const Shape& layer = shapes[index + 1];
    expected += size_t(layer.c) * size_t(layer.c) * sizeof(float);  // the Gram
    expected += size_t(layer.h) * size_t(layer.w) * sizeof(float);  // the mask
    expected += sizeof(float);                                      // the loss slot
  }
  EXPECT_EQ(three.tensor_peak - two.tensor_peak, expected);
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
