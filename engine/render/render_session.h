// A render session: everything one `nsrg-engine config.toml` run does. The backend, the
// network, the images and the un-randomized targets are loaded and captured once; then
// every image of the run (each style-layer set of a sweep times each variant) re-randomizes
// the style targets, optimizes from its own initial image and is saved; finally the
// contact sheet, the gallery page and the summary JSON are written.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/core/backend.h"
#include "engine/image/image.h"
#include "engine/image/image_output.h"
#include "engine/net/objective.h"
#include "engine/render/memory_plan.h"
#include "engine/render/output_plan.h"

namespace nsrg {

class Optimizer;
struct OutputLook;

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
};

class RenderSession {
 public:
  RenderSession(RenderConfig config, std::ostream& log);
  ~RenderSession();

  // Renders every image of the run, then writes the contact sheet and the summary JSON.
  // Throws Interrupted after saving the current image when Ctrl-C was pressed.
  void run();

  const std::vector<RenderedImage>& images() const { return images_; }
  // The un-randomized render of each contact sheet row (mode none), when the sheet has them.
  const std::vector<RenderedImage>& references() const { return references_; }
  const std::string& summary_path() const { return summary_path_; }
  const std::string& contact_sheet_path() const { return contact_sheet_path_; }

 private:
  struct State;
  void prepare();
  // Plans the memory before the first iteration (engine/render/memory_check.h).
  void check_memory(const std::vector<LayerSpec>& layers);
  // Views of the prepared state for the contact sheet and the summary.
  const Image& content_image() const;
  const Image& style_image(size_t index) const;
  std::string backend_description() const;
  size_t peak_memory_bytes() const;  // the backend's high-water mark of Tensor memory
  std::string model_source() const;
  double load_seconds() const;
  double capture_seconds() const;
  // One image of the run and its steps (render_image.cpp).
  // reference: the un-randomized render (mode none, the run's seed) of a contact sheet row.
  RenderedImage render_one(const std::vector<std::string>& style_layers, int variant,
                           bool reference = false);
  // Optimizes stage `index` of one image from x (the configured init for stage 0, else the
  // previous stage's result, resized here) and records it in result.stages.
  void render_stage(size_t index, RenderedImage& result, Tensor& x, bool reference);
  Tensor initial_image(uint64_t seed) const;
  // The evaluations and steps of one stage, with progress lines and intermediate saves named
  // after `save_base`; stops early when the optimizer does, or on Ctrl-C (result.interrupted).
  void optimize(StyleObjective& objective, Optimizer& optimizer, Tensor& x, Tensor& grad,
                const OutputLook& look, const std::string& save_base, RenderedImage& result,
                StageResult& stage);
  Image save_image(const Tensor& x, const OutputLook& look, const std::string& path) const;
  void save_final(const Tensor& x, const OutputLook& look, RenderedImage& result);
  void write_contact_sheet();
  void write_gallery();
  void write_summary(bool interrupted);

  RenderConfig config_;
  std::ostream& log_;
  std::unique_ptr<State> state_;
  std::vector<RenderedImage> images_;
  std::vector<RenderedImage> references_;
  RenderOutputs outputs_;
  std::string summary_path_, contact_sheet_path_;
  MemoryPlan memory_plan_;
};

}  // namespace nsrg
