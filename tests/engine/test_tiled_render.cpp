// Tiled evaluation in whole renders on the CPU: a tiled render against the same render
// evaluated whole (stages, a randomized family with variants and kept styles), the memory
// plan's tiled peak against the backend's measured one, tile_size = "auto" choosing the largest
// tile that fits a limit the whole image does not fit, and the one-line error when even the
// smallest tiles do not fit.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/cpu/cpu_backend.h"
#include "engine/stages/memory_check.h"
#include "engine/stages/stages.h"
#include "tests/engine/memory_plan_test_support.h"
#include "tests/engine/render_test_support.h"

namespace nsrg {
namespace {

using namespace nsrg::testing;

// Style layers up to relu3_1 (stride 4, halo 12), so tiles of 24 px cut a 72 px image for real.
const std::string kShallowStyle = "style.layers=[\"relu1_1\", \"relu2_1\", \"relu3_1\"]";

TEST(TiledRender, EqualsTheWholeRenderWithStagesAndVariants) {
  const auto dir = make_scratch_dir("tiled_render");
  const auto config = write_config(
      dir, 16, 1,
      "contact_sheet = false\n[randomize]\nmode = \"scale_eigenvectors\"\nvariants = 2\n"
      "[[stages]]\nimage_size = 40\niterations = 3\n"
      "[[stages]]\nimage_size = 72\niterations = 3\noptimizer = \"adam\"\n");
  const std::vector<RenderedImage> whole = render(config, {kShallowStyle});
  const std::vector<RenderedImage> tiled =
      render(config, {kShallowStyle, "evaluation.tile_size=24", "output.path=\"tiled/r.png\""});
  ASSERT_EQ(whole.size(), 2u);
  ASSERT_EQ(tiled.size(), 2u);
  for (size_t i = 0; i < whole.size(); ++i) {
    const double a = whole[i].final_losses.total, b = tiled[i].final_losses.total;
    // Six steps of rounding-level differences (the 20-step spread of test_fp32_sensitivity is
    // below 1e-3 relative).
    EXPECT_NEAR(b / a, 1.0, 1e-3) << "variant " << i << ": whole " << a << ", tiled " << b;
  }
  std::filesystem::remove_all(dir);
}

TEST(TiledRender, PlanMatchesTheMeasuredPeak) {
  const auto dir = make_scratch_dir("tiled_plan");
  render(write_config(dir, 96, 2), {kShallowStyle, "evaluation.tile_size=32"});
  expect_plan_within_15_percent(dir);
  std::filesystem::remove_all(dir);
}

// The plans of `config` at 208 px (relu5_1, halo 80) with the given tile size.
size_t planned_total(const RenderConfig& config, int tile_size, Backend& backend) {
  const Model model = load_model(config.model, "relu5_1");
  std::vector<StageInputs> inputs;
  inputs.push_back(load_stage_images(config, config.stages.front()));
  MemoryPlanInput input = memory_plan_input(config, model.layers, {config.style_layers},
                                            config.stages, inputs, backend);
  input.stages.front().tile_size = tile_size;
  return plan_memory(input).total;
}

TEST(TiledRender, AutoPicksTheLargestTileThatFits) {
  const auto dir = make_scratch_dir("tiled_auto");
  const auto config_path = write_config(dir, 208, 1);
  RenderConfig config = load_config(config_path.string(),
                                    {"optimizer.kind=\"adam\"", "evaluation.tile_size=\"auto\""});
  auto backend = make_cpu_backend();
  const size_t whole = planned_total(config, 0, *backend);
  const size_t tiles_of_32 = planned_total(config, 32, *backend);
  ASSERT_LT(tiles_of_32, whole);
  const size_t limit = (whole + tiles_of_32) / 2;
  config.memory_limit_mib = int64_t(limit >> 20);
  std::ostringstream log;
  RenderSession session(config, log);
  session.run();
  EXPECT_NE(log.str().find("evaluates in tiles of "), std::string::npos) << log.str();
  const nlohmann::json summary = summary_of(dir);
  const double total = summary["memory_plan"]["total_bytes"].get<double>();
  EXPECT_LE(total, double(config.memory_limit_mib) * (1 << 20));
  // The chosen tile is the largest that fits: one stride (16 px) more does not.
  const size_t at = log.str().find("evaluates in tiles of ");
  const int chosen = std::stoi(log.str().substr(at + 22));
  EXPECT_GE(chosen, 32);
  EXPECT_EQ(chosen % 16, 0);
  EXPECT_GT(planned_total(config, chosen + 16, *backend), size_t(config.memory_limit_mib) << 20);
  expect_plan_within_15_percent(dir);
  std::filesystem::remove_all(dir);
}

TEST(TiledRender, EvenTheSmallestTilesNotFittingIsOneLine) {
  const auto dir = make_scratch_dir("tiled_error");
  const auto config_path = write_config(dir, 208, 1);
  RenderConfig config = load_config(config_path.string(),
                                    {"optimizer.kind=\"adam\"", "evaluation.tile_size=\"auto\""});
  config.memory_limit_mib = 40;
  std::ostringstream log;
  RenderSession session(config, log);
  try {
    session.run();
    ADD_FAILURE() << "no UserError";
  } catch (const UserError& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.find('\n'), std::string::npos);
    EXPECT_NE(message.find("in the smallest tiles"), std::string::npos) << message;
    EXPECT_NE(message.find("memory_limit_mib"), std::string::npos) << message;
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "out/render.png"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nsrg
