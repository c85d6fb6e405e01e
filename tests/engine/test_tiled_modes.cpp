// Tiled evaluation with the render's other modes on the CPU, each against the same render
// evaluated whole: a layer sweep (every cell's final loss), kept styles (the Grams a tiled
// render saves against the whole render's, and a tiled render that applies them), and stages
// with tile_size = "auto" tiling only the large stage. The tolerance is the one the tiled
// render tests use (tests/engine/test_tiled_render.cpp): a few steps of rounding-level
// differences stay below 1e-3 relative in the loss. (Shards: tests/cli/test_shards_cli.cpp.)
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "engine/cpu/cpu_backend.h"
#include "engine/stages/memory_check.h"
#include "engine/stages/stages.h"
#include "tests/engine/memory_plan_test_support.h"
#include "tests/engine/render_test_support.h"
#include "weights/style_targets_file.h"

namespace nsrg {
namespace {

using namespace nsrg::testing;

// Up to relu3_1 (stride 4, halo 12), so tiles of 16 px cut a 48 px image for real.
const std::string kShallowStyle = "style.layers=[\"relu1_1\", \"relu2_1\", \"relu3_1\"]";
constexpr double kRenderTolerance = 1e-3;

void expect_same_losses(const std::vector<RenderedImage>& whole,
                        const std::vector<RenderedImage>& tiled) {
  ASSERT_EQ(whole.size(), tiled.size());
  for (size_t i = 0; i < whole.size(); ++i) {
    const double a = whole[i].final_losses.total, b = tiled[i].final_losses.total;
    EXPECT_NEAR(b / a, 1.0, kRenderTolerance)
        << whole[i].path << ": whole " << a << ", tiled " << b;
  }
}

TEST(TiledModes, ALayerSweepEqualsTheWholeSweep) {
  const auto dir = make_scratch_dir("tiled_sweep");
  const auto config = write_config(dir, 48, 3,
                                   "[randomize]\nmode = \"scale_eigenvectors\"\nvariants = 2\n"
                                   "[sweep]\nstyle_layers = [\"relu2_1\", \"relu3_1\"]\n");
  const std::vector<RenderedImage> whole = render(config, {kShallowStyle});
  const std::vector<RenderedImage> tiled =
      render(config, {kShallowStyle, "evaluation.tile_size=16", "output.path=\"tiled/r.png\""});
  EXPECT_EQ(whole.size(), 4u);  // 2 layers x 2 variants
  expect_same_losses(whole, tiled);
  std::filesystem::remove_all(dir);
}

// ||a - b|| / ||b|| over every Gram of two kept style files with the same layers.
double gram_difference(const std::string& a_path, const std::string& b_path) {
  const StyleTargets a = read_style_targets(a_path), b = read_style_targets(b_path);
  EXPECT_EQ(a.info.layers, b.info.layers);
  double difference = 0, norm = 0;
  for (size_t g = 0; g < a.grams.size() && g < b.grams.size(); ++g) {
    EXPECT_EQ(a.grams[g].data.size(), b.grams[g].data.size());
    for (size_t k = 0; k < a.grams[g].data.size() && k < b.grams[g].data.size(); ++k) {
      const double d = double(a.grams[g].data[k]) - b.grams[g].data[k];
      difference += d * d;
      norm += double(b.grams[g].data[k]) * b.grams[g].data[k];
    }
  }
  return std::sqrt(difference / norm);
}

TEST(TiledModes, KeptStylesEqualTheWholeRendersAndApply) {
  const auto dir = make_scratch_dir("tiled_kept");
  // Mode none: the kept Grams are the captured ones, so only the tiles' summation order
  // separates them.
  const auto config = write_config(dir, 48, 2, "");
  const std::vector<std::string> keep = {kShallowStyle, "output.save_targets=true"};
  std::vector<std::string> whole_set = keep, tiled_set = keep;
  whole_set.push_back("output.path=\"whole/x.png\"");
  tiled_set.push_back("output.path=\"tiled/x.png\"");
  tiled_set.push_back("evaluation.tile_size=16");
  const std::vector<RenderedImage> whole = render(config, whole_set);
  const std::vector<RenderedImage> tiled = render(config, tiled_set);
  ASSERT_EQ(whole.size(), 1u);
  ASSERT_EQ(tiled.size(), 1u);
  const std::string whole_file = style_targets_path(whole[0].path);
  const std::string tiled_file = style_targets_path(tiled[0].path);
  // float32 Grams of a few thousand positions summed per tile: rounding is near 1e-7.
  const double difference = gram_difference(tiled_file, whole_file);
  std::printf("kept Grams, tiled against whole: %.3g\n", difference);
  EXPECT_LE(difference, 1e-5);
  // Each kept style applied (tiled, and whole) in a kept-style render.
  const auto apply = [&](const std::string& file, const std::string& out, bool tiles) {
    const auto kept = write_targets_config(dir, file, "");
    std::vector<std::string> set = {"style.layers=[\"relu1_1\", \"relu2_1\", \"relu3_1\"]",
                                    "output.path=\"" + out + "\""};
    if (tiles) set.push_back("evaluation.tile_size=16");
    return render(kept, set);
  };
  expect_same_losses(apply(whole_file, "applied_whole/x.png", false),
                     apply(tiled_file, "applied_tiled/x.png", true));
  std::filesystem::remove_all(dir);
}

// The plan's total of `config` with each stage's tile size as given.
size_t planned_total(const RenderConfig& config, const std::vector<int>& tile_sizes,
                     Backend& backend) {
  const Model model = load_model(config.model, "relu5_1");
  std::vector<StageInputs> inputs;
  for (const Stage& stage : config.stages) inputs.push_back(load_stage_images(config, stage));
  MemoryPlanInput input = memory_plan_input(config, model.layers, {config.style_layers},
                                            config.stages, inputs, backend);
  for (size_t i = 0; i < tile_sizes.size(); ++i) input.stages[i].tile_size = tile_sizes[i];
  return plan_memory(input).total;
}

TEST(TiledModes, AutoTilesOnlyTheLargeStage) {
  const auto dir = make_scratch_dir("tiled_stages");
  const auto config_path = write_config(dir, 16, 1,
                                        "[[stages]]\nimage_size = 64\niterations = 2\n"
                                        "[[stages]]\nimage_size = 208\niterations = 2\n");
  RenderConfig config = load_config(config_path.string(),
                                    {"optimizer.kind=\"adam\"", "evaluation.tile_size=\"auto\""});
  auto backend = make_cpu_backend();
  const size_t whole = planned_total(config, {0, 0}, *backend);
  const size_t large_tiled = planned_total(config, {0, 32}, *backend);
  ASSERT_LT(large_tiled, whole);
  config.memory_limit_mib = int64_t(((whole + large_tiled) / 2) >> 20);
  std::ostringstream log;
  RenderSession session(config, log);
  session.run();
  const std::string text = log.str();
  // chelsea.png is wider than high: 208 px is the stage's longest side.
  const size_t tiled_line = text.find("memory plan: stage 2 208x");
  ASSERT_NE(tiled_line, std::string::npos) << text;
  EXPECT_NE(text.find(" evaluates in tiles of ", tiled_line), std::string::npos) << text;
  EXPECT_EQ(text.find("memory plan: stage 1 64x"), std::string::npos) << text;
  // The same render evaluated whole (no limit): the same losses within the tiled tolerance.
  RenderConfig unlimited =
      load_config(config_path.string(), {"optimizer.kind=\"adam\"", "output.path=\"whole/r.png\""});
  std::ostringstream whole_log;
  RenderSession whole_session(unlimited, whole_log);
  whole_session.run();
  expect_same_losses(whole_session.images(), session.images());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nsrg
