// What a run produced, as data: each rendered image with its stages, losses and timings,
// and the facts of the process that rendered them (backend, memory, model, load times).
// A RenderSession fills it as it renders; a gather (engine/cluster/gather.h) rebuilds it from
// the shards' partial summaries; the contact sheet, the gallery page and the summary JSON are
// written from it either way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/net/objective.h"
#include "engine/stages/distinct_variants.h"
#include "engine/stages/memory_plan.h"
#include "engine/stages/morph_path.h"

namespace nsrg {

struct HistoryEntry {
  int iteration = 0;
  LossValues losses;
};

// One [[stages]] stage of an image (a render without stages has one).
struct StageResult {
  int image_size = 0, width = 0, height = 0;
  int iterations = 0, evaluations = 0;
  std::string optimizer;
  std::string path;  // the stage's saved image (output.save_stages, or the final one), else ""
  bool stopped_early = false;
  double seconds = 0;
  size_t peak_rss_bytes = 0;  // the process's peak resident memory by the stage's end
  LossValues final_losses;
  std::vector<HistoryEntry> history;
};

struct RenderedImage {
  std::string path;      // the final image
  std::string raw_path;  // unlevelled copy when output.save_raw, else empty
  uint64_t seed = 0;
  int variant = 0;
  std::vector<std::string> style_layers;
  std::string mode;
  int evaluations =
      0;  // evaluations done, all stages (== iterations unless stopped or interrupted)
  bool stopped_early = false;
  bool interrupted = false;
  double seconds = 0;
  LossValues final_losses;            // of the last evaluation
  std::vector<HistoryEntry> history;  // of the last stage
  std::vector<StageResult> stages;
  // With randomize.min_distance: how the variant's draw was chosen (seed is config.seed +
  // its counter).
  std::optional<VariantDraw> draw;
  std::optional<PathFrame> frame;  // a [path] frame: its place on the path
};

struct RunRecord {
  std::vector<RenderedImage> images;      // sweep layer by layer, variants in order
  std::vector<RenderedImage> references;  // each sheet row's un-randomized render, if any
  std::string backend;                    // the backend's description
  size_t peak_memory_bytes = 0;           // the backend's high-water mark of Tensor memory
  MemoryPlan memory_plan;
  std::string model_source;
  double load_seconds = 0, capture_seconds = 0;
  bool interrupted = false;
  std::string animation;  // a [path]'s animated WebP once written (not after an interrupt)
};

}  // namespace nsrg
