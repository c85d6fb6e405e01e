// The run's summary JSON, written from a RunRecord.
#include "engine/output/summary_json.h"

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/output/config_hash.h"
#include "engine/output/output_names.h"
#include "engine/output/output_plan.h"
#include "engine/output/summary_fields.h"

namespace nsrg {

namespace {
nlohmann::json losses_json(const LossValues& losses) {
  nlohmann::json entry = nlohmann::json::object();
  for (const auto& [key, member] : kLossFields) entry[key] = losses.*member;
  return entry;
}

nlohmann::json history_json(const std::vector<HistoryEntry>& history) {
  nlohmann::json entries = nlohmann::json::array();
  for (const HistoryEntry& h : history) {
    nlohmann::json entry = losses_json(h.losses);
    entry["iteration"] = h.iteration;
    entries.push_back(entry);
  }
  return entries;
}

// Every [[stages]] stage of an image: size, iterations, time, final losses.
nlohmann::json stages_json(const std::vector<StageResult>& stages) {
  nlohmann::json entries = nlohmann::json::array();
  for (const StageResult& s : stages)
    entries.push_back({{"image_size", s.image_size},
                       {"width", s.width},
                       {"height", s.height},
                       {"iterations", s.iterations},
                       {"evaluations", s.evaluations},
                       {"optimizer", s.optimizer},
                       {"file", s.path},
                       {"stopped_early", s.stopped_early},
                       {"seconds", s.seconds},
                       {"peak_rss_bytes", s.peak_rss_bytes},
                       {"final_losses", losses_json(s.final_losses)},
                       {"history", history_json(s.history)}});
  return entries;
}

std::string cell_label(const RenderedImage& image) {
  if (image.frame) return "frame " + frame_digits(image.frame->index);
  return short_layer_names(image.style_layers) + variant_letters(image.variant);
}

// How randomize.min_distance chose the variant's draw.
nlohmann::json draw_json(const VariantDraw& draw, const RenderedImage& image) {
  nlohmann::json entry = {{"counter", draw.counter},
                          {"redraws", draw.redraws},
                          {"nearest_sibling_distance", nullptr},
                          {"gave_up", draw.gave_up}};
  if (draw.nearest_distance) entry["nearest_sibling_distance"] = *draw.nearest_distance;
  if (draw.gave_up) entry["note"] = min_distance_note(image);
  return entry;
}

nlohmann::json memory_plan_json(const MemoryPlan& plan) {
  nlohmann::json entry = nlohmann::json::object();
  for (const auto& [key, member] : kMemoryPlanFields) entry[key] = plan.*member;
  return entry;
}

// The sheet's rows as labels: the inputs, then each style-layer set's cells.
nlohmann::json sheet_rows_json(const RenderConfig& config, const RunRecord& record) {
  nlohmann::json rows = nlohmann::json::array();
  const size_t variants = sheet_columns(config);
  nlohmann::json first_row = {"content"};
  for (size_t i = 0; i < config.style_images.size(); ++i)
    first_row.push_back("style " + std::to_string(i + 1));
  rows.push_back(first_row);
  const std::vector<RenderedImage>& images = record.images;
  for (size_t i = 0; i < images.size(); i += variants) {
    nlohmann::json row = nlohmann::json::array();
    if (i / variants < record.references.size())
      row.push_back(short_layer_names(images[i].style_layers) + "-" + kReferenceVariant);
    for (size_t v = 0; v < variants && i + v < images.size(); ++v)
      row.push_back(cell_label(images[i + v]));
    rows.push_back(row);
  }
  return rows;
}
// Where a path frame lies: its index, t along the whole path, its segment and s within it.
nlohmann::json frame_place_json(const PathFrame& frame) {
  return {{"frame", frame.index},
          {"t", frame.t},
          {"segment", frame.segment},
          {"segment_t", frame.segment_t}};
}

// A [path]'s frames (place, file, final losses) and its animated WebP.
nlohmann::json path_json(const RunRecord& record) {
  nlohmann::json frames = nlohmann::json::array();
  for (const RenderedImage& image : record.images) {
    if (!image.frame) continue;
    nlohmann::json entry = frame_place_json(*image.frame);
    entry["file"] = image.path;
    entry["evaluations"] = image.evaluations;
    entry["final_losses"] = losses_json(image.final_losses);
    frames.push_back(entry);
  }
  return {{"frames", frames}, {"animation", record.animation}};
}
}  // namespace

std::string min_distance_note(const RenderedImage& image) {
  NSRG_CHECK(image.draw && image.draw->nearest_distance, "min_distance_note of ", image.path,
             " without a sibling distance");
  return msg("note: randomize.min_distance: variant ", cell_label(image), " kept seed ", image.seed,
             " after ", image.draw->redraws, " redraws, still ", *image.draw->nearest_distance,
             " from its nearest sibling (below the minimum)");
}

nlohmann::json image_entry_json(const RenderedImage& image, bool with_stages) {
  nlohmann::json entry = {
      {"file", image.path},
      {"raw_file", image.raw_path},
      {"label", cell_label(image)},
      {"seed", image.seed},
      {"variant", variant_letters(image.variant)},
      {"layer", short_layer_names(image.style_layers)},
      {"style_layers", image.style_layers},
      {"mode", image.mode},
      {"evaluations", image.evaluations},
      {"stopped_early", image.stopped_early},
      {"interrupted", image.interrupted},
      {"seconds", image.seconds},
      {"seconds_per_iteration", image.evaluations > 0 ? image.seconds / image.evaluations : 0.0},
      {"final_losses", losses_json(image.final_losses)},
      {"history", history_json(image.history)}};
  if (with_stages) entry["stages"] = stages_json(image.stages);
  if (image.draw) entry["min_distance"] = draw_json(*image.draw, image);
  if (image.frame) entry["frame"] = frame_place_json(*image.frame);
  return entry;
}

nlohmann::json reference_entry_json(const RenderedImage& image) {
  return {{"file", image.path},
          {"seed", image.seed},
          {"variant", kReferenceVariant},
          {"layer", short_layer_names(image.style_layers)},
          {"style_layers", image.style_layers},
          {"mode", image.mode},
          {"evaluations", image.evaluations},
          {"seconds", image.seconds},
          {"final_losses", losses_json(image.final_losses)}};
}

nlohmann::json summary_json(const RenderConfig& config, const RunRecord& record,
                            const std::string& contact_sheet_path,
                            const std::string& gallery_path) {
  nlohmann::json summary;
  summary["nsrg_engine"] = {{"summary_format", 1}};
  summary["config"] = config_to_json(config);
  summary["config_hash"] = config_json_hash(summary["config"]);
  summary["backend"] = record.backend;
  summary["peak_memory_bytes"] = record.peak_memory_bytes;
  summary["memory_plan"] = memory_plan_json(record.memory_plan);
  summary["model_source"] = record.model_source;
  summary["interrupted"] = record.interrupted;
  summary["timings"] = {{"load_seconds", record.load_seconds},
                        {"capture_seconds", record.capture_seconds}};
  nlohmann::json images = nlohmann::json::array();
  for (const RenderedImage& image : record.images)
    images.push_back(image_entry_json(image, config.stage_tables));
  summary["images"] = images;
  nlohmann::json references = nlohmann::json::array();
  for (const RenderedImage& image : record.references)
    references.push_back(reference_entry_json(image));
  summary["references"] = references;
  if (!record.images.empty()) summary["history"] = history_json(record.images.front().history);
  if (config.path.given) summary["path"] = path_json(record);
  if (!contact_sheet_path.empty())
    summary["contact_sheet"] = {{"file", contact_sheet_path},
                                {"rows", sheet_rows_json(config, record)},
                                {"gallery", gallery_path}};
  return summary;
}

void write_summary_file(const std::string& path, const nlohmann::json& summary) {
  write_bytes_atomically(
      path, summary.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

}  // namespace nsrg
