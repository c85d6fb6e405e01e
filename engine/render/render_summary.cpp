// The run's summary JSON: the resolved config, timings, every image (and each contact sheet
// row's un-randomized reference) with its losses and history, and the sheet's layout.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "engine/core/atomic_file.h"
#include "engine/render/output_names.h"
#include "engine/render/render_session.h"

namespace nsrg {

namespace {
nlohmann::json losses_json(const LossValues& l) {
  return {{"total", l.total}, {"content", l.content}, {"style", l.style}, {"tv", l.tv}};
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
  return short_layer_names(image.style_layers) + variant_letters(image.variant);
}
}  // namespace

void RenderSession::write_summary(bool interrupted) {
  nlohmann::json summary;
  summary["nsrg_engine"] = {{"summary_format", 1}};
  summary["config"] = config_to_json(config_);
  summary["backend"] = backend_description();
  summary["peak_memory_bytes"] = peak_memory_bytes();
  summary["memory_plan"] = {{"total_bytes", memory_plan_.total},
                            {"tensor_peak_bytes", memory_plan_.tensor_peak},
                            {"activations_bytes", memory_plan_.activations},
                            {"gradients_bytes", memory_plan_.gradients},
                            {"targets_bytes", memory_plan_.targets},
                            {"optimizer_bytes", memory_plan_.optimizer},
                            {"weights_bytes", memory_plan_.weights},
                            {"workspace_bytes", memory_plan_.workspace},
                            {"process_bytes", memory_plan_.process}};
  summary["model_source"] = model_source();
  summary["interrupted"] = interrupted;
  summary["timings"] = {{"load_seconds", load_seconds()}, {"capture_seconds", capture_seconds()}};
  nlohmann::json images = nlohmann::json::array();
  for (const RenderedImage& image : images_) {
    images.push_back(
        {{"file", image.path},
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
         {"history", history_json(image.history)}});
    if (!config_.stages.empty()) images.back()["stages"] = stages_json(image.stages);
  }
  summary["images"] = images;
  nlohmann::json references = nlohmann::json::array();
  for (const RenderedImage& image : references_)
    references.push_back({{"file", image.path},
                          {"seed", image.seed},
                          {"variant", "none"},
                          {"layer", short_layer_names(image.style_layers)},
                          {"style_layers", image.style_layers},
                          {"mode", image.mode},
                          {"evaluations", image.evaluations},
                          {"seconds", image.seconds},
                          {"final_losses", losses_json(image.final_losses)}});
  summary["references"] = references;
  if (!images_.empty()) summary["history"] = history_json(images_.front().history);
  if (!contact_sheet_path_.empty()) {
    nlohmann::json rows = nlohmann::json::array();
    const int variants = config_.variants;
    nlohmann::json first_row = {"content"};
    for (size_t i = 0; i < config_.style_images.size(); ++i)
      first_row.push_back("style " + std::to_string(i + 1));
    rows.push_back(first_row);
    for (size_t i = 0; i < images_.size(); i += size_t(variants)) {
      nlohmann::json row = nlohmann::json::array();
      if (i / size_t(variants) < references_.size())
        row.push_back(short_layer_names(images_[i].style_layers) + "-none");
      for (int v = 0; v < variants && i + v < images_.size(); ++v)
        row.push_back(cell_label(images_[i + v]));
      rows.push_back(row);
    }
    summary["contact_sheet"] = {
        {"file", contact_sheet_path_}, {"rows", rows}, {"gallery", outputs_.gallery}};
  }
  // Paths are bytes on Linux and may not be UTF-8: such bytes are written as U+FFFD rather
  // than failing after the render.
  write_bytes_atomically(
      summary_path_, summary.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

}  // namespace nsrg
