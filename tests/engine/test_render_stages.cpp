// [[stages]] renders on the CPU backend: one stage equals a plain render, every stage is
// rendered at its size and listed in the summary, stage results are saved when asked, and
// variants rendered together with stages equal each variant rendered alone.
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "engine/core/error.h"
#include "engine/image/image.h"
#include "engine/output/run_description.h"
#include "tests/engine/render_test_support.h"
#include "weights/style_targets_file.h"

namespace nsrg {
namespace {

using namespace nsrg::testing;

std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const char* const kTwoStages =
    "[[stages]]\nimage_size = 32\niterations = 4\n"
    "[[stages]]\nimage_size = 64\niterations = 3\nhistory = 5\n";

TEST(RenderStages, OneStageIsThePlainRender) {
  const auto dir = make_scratch_dir("stage_one");
  render(write_config(dir, 48, 5));
  const std::string plain = file_bytes(dir / "out/render.png");
  render(write_config(dir, 16, 1, "[[stages]]\nimage_size = 48\niterations = 5\n"));
  EXPECT_EQ(file_bytes(dir / "out/render.png"), plain);
  std::filesystem::remove_all(dir);
}

TEST(RenderStages, EveryStageAtItsSizeInTheSummary) {
  const auto dir = make_scratch_dir("stages");
  const auto config = write_config(dir, 16, 1, std::string("save_stages = true\n") + kTwoStages);
  const std::vector<RenderedImage> images = render(config);
  ASSERT_EQ(images.size(), 1u);
  const RenderedImage& r = images[0];
  ASSERT_EQ(r.stages.size(), 2u);
  EXPECT_EQ(r.evaluations, 7);
  EXPECT_EQ(r.stages[0].width, 32);
  EXPECT_EQ(r.stages[1].width, 64);
  const Image stage1 = read_image((dir / "out/render_stage1.png").string());
  EXPECT_EQ(stage1.width, 32);
  const Image final_image = read_image((dir / "out/render.png").string());
  EXPECT_EQ(final_image.width, 64);
  EXPECT_FALSE(std::filesystem::exists(dir / "out/render_stage2.png"));

  std::ifstream in(dir / "out/render.json");
  const nlohmann::json summary = nlohmann::json::parse(in);
  const nlohmann::json& stages = summary["images"][0]["stages"];
  ASSERT_EQ(stages.size(), 2u);
  EXPECT_EQ(stages[0]["image_size"], 32);
  EXPECT_EQ(stages[0]["iterations"], 4);
  EXPECT_EQ(stages[1]["image_size"], 64);
  EXPECT_EQ(stages[1]["evaluations"], 3);
  EXPECT_EQ(stages[0]["file"], (dir / "out/render_stage1.png").string());
  for (const auto& stage : stages) {
    EXPECT_GT(stage["seconds"].get<double>(), 0.0);
    EXPECT_GT(stage["peak_rss_bytes"].get<double>(), 0.0);
    EXPECT_GT(stage["final_losses"]["total"].get<double>(), 0.0);
  }
  EXPECT_EQ(summary["config"]["stages"].size(), 2u);
  std::filesystem::remove_all(dir);
}

// A kept style written during a [[stages]] render holds the last stage's Grams, so it
// records that stage's size and style scale, not the top-level keys'; the sheet's header
// names the stages.
TEST(RenderStages, AKeptStyleRecordsTheSizeOfItsStage) {
  const auto dir = make_scratch_dir("stage_targets");
  const auto config = write_config(dir, 16, 1,
                                   "save_targets = true\n"
                                   "[[stages]]\nimage_size = 32\niterations = 2\n"
                                   "[[stages]]\nimage_size = 48\niterations = 2\n"
                                   "style_scale = 0.5\n");
  render(config);
  const StyleTargetsInfo info =
      read_style_targets_info((dir / "out/render.style.safetensors").string());
  EXPECT_EQ(info.image_size, 48);
  EXPECT_FLOAT_EQ(info.style_scale, 0.5f);
  const std::vector<std::string> header = run_description_lines(load_config(config.string()));
  ASSERT_GE(header.size(), 3u);
  EXPECT_EQ(header[2].rfind("32 px lbfgs 2 it -> 48 px lbfgs 2 it, ", 0), 0u) << header[2];
  std::filesystem::remove_all(dir);
}

TEST(RenderStages, WithoutSaveStagesOnlyTheFinalImage) {
  const auto dir = make_scratch_dir("stages_nosave");
  render(write_config(dir, 16, 1, kTwoStages));
  EXPECT_FALSE(std::filesystem::exists(dir / "out/render_stage1.png"));
  EXPECT_TRUE(std::filesystem::exists(dir / "out/render.png"));
  std::filesystem::remove_all(dir);
}

TEST(RenderStages, AStageSaveThatWouldOverwriteAnInputIsAUserError) {
  const auto dir = make_scratch_dir("stages_overwrite");
  std::filesystem::create_directories(dir / "out");
  std::filesystem::copy_file(example_image("chelsea.png"), dir / "out/render_stage1.png");
  const auto config = write_config(dir, 16, 1, std::string("save_stages = true\n") + kTwoStages);
  try {
    render(config, {"content.image=\"out/render_stage1.png\""});
    ADD_FAILURE() << "no UserError";
  } catch (const UserError& error) {
    EXPECT_NE(std::string(error.what()).find("stage save"), std::string::npos) << error.what();
  }
  std::filesystem::remove_all(dir);
}

TEST(RenderStages, TheSecondStageStartsFromTheFirstStagesResult) {
  // Same final stage, different first stages: a stage-2 render that ignored stage 1 would
  // give the same picture.
  const auto dir = make_scratch_dir("stages_chain");
  render(write_config(dir, 16, 1, kTwoStages));
  const std::string chained = file_bytes(dir / "out/render.png");
  render(write_config(dir, 16, 1,
                      "[[stages]]\nimage_size = 32\niterations = 1\n"
                      "[[stages]]\nimage_size = 64\niterations = 3\nhistory = 5\n"));
  EXPECT_NE(file_bytes(dir / "out/render.png"), chained);
  std::filesystem::remove_all(dir);
}

TEST(RenderStages, VariantsWithStagesEqualEachVariantAlone) {
  const auto dir = make_scratch_dir("stages_variants");
  const auto config = write_config(dir, 16, 1, kTwoStages);
  render(config, {"randomize.mode=\"scale_eigenvectors\"", "randomize.variants=2",
                  "output.contact_sheet=false"});
  const std::string second = file_bytes(dir / "out/render-b.png");
  ASSERT_FALSE(second.empty());
  render(config, {"randomize.mode=\"scale_eigenvectors\"", "seed=8"});
  EXPECT_EQ(file_bytes(dir / "out/render.png"), second);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nsrg
