// Summary entries read back: an image (with stages and history), a sheet row's reference
// and the memory plan come back from their JSON exactly, so a gather writes the summary a
// single process wrote, digit for digit.
#include <gtest/gtest.h>

#include "engine/output/summary_json.h"
#include "engine/output/summary_reading.h"

namespace nsrg {
namespace {

LossValues odd_losses(double scale) {
  return {scale * 3.0000000000000004, scale / 3.0, scale * 1e-300, 0.1f};
}

RenderedImage rendered_image() {
  RenderedImage image;
  image.path = "/out/s-r31b.png";
  image.raw_path = "/out/s-r31b_raw.png";
  image.seed = 18446744073709551615ull;
  image.variant = 1;
  image.style_layers = {"relu3_1"};
  image.mode = "scale_eigenvectors";
  image.evaluations = 7;
  image.stopped_early = true;
  image.seconds = 1.0 / 7.0;
  image.final_losses = odd_losses(2.5e8);
  image.history = {{1, odd_losses(1e9)}, {7, odd_losses(2.5e8)}};
  for (int i = 0; i < 2; ++i) {
    StageResult stage;
    stage.image_size = 32 << i;
    stage.width = 32 << i;
    stage.height = 21 << i;
    stage.iterations = 4;
    stage.evaluations = 3 + i;
    stage.optimizer = "lbfgs";
    stage.path = i == 0 ? "/out/s-r31b_stage1.png" : image.path;
    stage.seconds = 0.123456789012345678 * (i + 1);
    stage.peak_rss_bytes = (size_t(1) << 40) + size_t(i);
    stage.final_losses = odd_losses(i + 1.0);
    stage.history = {{1, odd_losses(4.0)}};
    image.stages.push_back(stage);
  }
  return image;
}

TEST(SummaryReading, AnImageComesBackExactly) {
  const RenderedImage image = rendered_image();
  const GridCell cell{image.style_layers, image.variant, false, image.path};
  for (bool with_stages : {false, true}) {
    const nlohmann::json entry = image_entry_json(image, with_stages);
    const nlohmann::json parsed = nlohmann::json::parse(entry.dump(2));
    const RenderedImage read = rendered_image_from_json(parsed, cell);
    EXPECT_EQ(image_entry_json(read, with_stages).dump(2), entry.dump(2));
    EXPECT_EQ(read.history.back().losses.style, image.history.back().losses.style);
  }
}

TEST(SummaryReading, AReferenceComesBackExactly) {
  RenderedImage reference = rendered_image();
  reference.path = "/out/s-r31-none.png";
  reference.variant = 0;
  reference.mode = "none";
  const GridCell cell{reference.style_layers, 0, true, reference.path};
  const nlohmann::json entry = reference_entry_json(reference);
  const RenderedImage read = rendered_image_from_json(nlohmann::json::parse(entry.dump()), cell);
  EXPECT_EQ(reference_entry_json(read).dump(), entry.dump());
}

TEST(SummaryReading, TheMemoryPlanComesBack) {
  RunRecord record;
  record.memory_plan = {1, 2, 3, 4, 5, 6, 7, 8, size_t(1) << 62, 0, false};
  const RenderConfig config;
  const nlohmann::json summary = summary_json(config, record, "", "");
  const MemoryPlan read = memory_plan_from_json(summary.at("memory_plan"));
  EXPECT_EQ(read.total, record.memory_plan.total);
  EXPECT_EQ(read.process, record.memory_plan.process);
  EXPECT_EQ(read.weights, record.memory_plan.weights);
  EXPECT_EQ(summary.at("config_hash").get<std::string>().size(), 64u);
}

TEST(SummaryReading, AMissingKeyIsAJsonError) {
  nlohmann::json entry = image_entry_json(rendered_image(), false);
  entry.erase("final_losses");
  const GridCell cell{{"relu3_1"}, 1, false, "/out/s-r31b.png"};
  EXPECT_THROW(rendered_image_from_json(entry, cell), nlohmann::json::exception);
}

}  // namespace
}  // namespace nsrg
