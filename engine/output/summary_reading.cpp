// Summary entries read back into RenderedImage and MemoryPlan.
#include "engine/output/summary_reading.h"

#include "engine/output/summary_fields.h"

namespace nsrg {
namespace {

LossValues losses_from_json(const nlohmann::json& entry) {
  LossValues losses;
  for (const auto& [key, member] : kLossFields) losses.*member = entry.at(key).get<double>();
  return losses;
}

std::vector<HistoryEntry> history_from_json(const nlohmann::json& entries) {
  std::vector<HistoryEntry> history;
  for (const nlohmann::json& entry : entries)
    history.push_back({entry.at("iteration").get<int>(), losses_from_json(entry)});
  return history;
}

std::vector<StageResult> stages_from_json(const nlohmann::json& entries) {
  std::vector<StageResult> stages;
  for (const nlohmann::json& entry : entries) {
    StageResult stage;
    stage.image_size = entry.at("image_size").get<int>();
    stage.width = entry.at("width").get<int>();
    stage.height = entry.at("height").get<int>();
    stage.iterations = entry.at("iterations").get<int>();
    stage.evaluations = entry.at("evaluations").get<int>();
    stage.optimizer = entry.at("optimizer").get<std::string>();
    stage.path = entry.at("file").get<std::string>();
    stage.stopped_early = entry.at("stopped_early").get<bool>();
    stage.seconds = entry.at("seconds").get<double>();
    stage.peak_rss_bytes = entry.at("peak_rss_bytes").get<size_t>();
    stage.final_losses = losses_from_json(entry.at("final_losses"));
    stage.history = history_from_json(entry.at("history"));
    stages.push_back(std::move(stage));
  }
  return stages;
}

VariantDraw draw_from_json(const nlohmann::json& entry) {
  VariantDraw draw;
  draw.counter = entry.at("counter").get<uint32_t>();
  draw.redraws = entry.at("redraws").get<int>();
  const nlohmann::json& nearest = entry.at("nearest_sibling_distance");
  if (!nearest.is_null()) draw.nearest_distance = nearest.get<double>();
  draw.gave_up = entry.at("gave_up").get<bool>();
  return draw;
}

}  // namespace

RenderedImage rendered_image_from_json(const nlohmann::json& entry, const GridCell& cell) {
  RenderedImage image;
  image.path = cell.path;
  image.variant = cell.variant;
  image.style_layers = cell.style_layers;
  image.seed = entry.at("seed").get<uint64_t>();
  image.mode = entry.at("mode").get<std::string>();
  image.evaluations = entry.at("evaluations").get<int>();
  image.seconds = entry.at("seconds").get<double>();
  image.final_losses = losses_from_json(entry.at("final_losses"));
  if (cell.reference) return image;
  image.raw_path = entry.at("raw_file").get<std::string>();
  image.stopped_early = entry.at("stopped_early").get<bool>();
  image.interrupted = entry.at("interrupted").get<bool>();
  image.history = history_from_json(entry.at("history"));
  if (entry.contains("stages")) image.stages = stages_from_json(entry.at("stages"));
  if (entry.contains("min_distance")) image.draw = draw_from_json(entry.at("min_distance"));
  return image;
}

MemoryPlan memory_plan_from_json(const nlohmann::json& entry) {
  MemoryPlan plan;
  for (const auto& [key, member] : kMemoryPlanFields) plan.*member = entry.at(key).get<size_t>();
  return plan;
}

}  // namespace nsrg
