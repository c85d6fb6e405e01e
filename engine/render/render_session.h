// A render session: everything one `nsrg-engine config.toml` run does. The backend, the
// network, the images and the un-randomized targets are loaded and captured once; then
// every image of the run (each style-layer set of a sweep times each variant) re-randomizes
// the style targets, optimizes from its own initial image and is saved; finally the
// contact sheet, the gallery page and the summary JSON are written. A session given a
// shard renders only that shard's images (engine/cluster/shard.h) and writes its partial
// summary instead; a gather (engine/cluster/gather.h) writes the rest.
#pragma once

#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/cluster/shard.h"
#include "engine/config/config.h"
#include "engine/core/backend.h"
#include "engine/image/image.h"
#include "engine/image/image_output.h"
#include "engine/net/objective.h"
#include "engine/output/output_plan.h"
#include "engine/output/render_grid.h"
#include "engine/output/run_record.h"
#include "engine/render/render_observer.h"
#include "engine/stages/memory_plan.h"

namespace nsrg {

class Optimizer;
class RenderResources;
struct LoadedNetwork;
struct OutputLook;

class RenderSession {
 public:
  // shard: render only that shard's images and write its partial summary. `notes` gets the
  // lines that warn about a result (a variant that could not be drawn min_distance apart).
  RenderSession(RenderConfig config, std::ostream& log, std::optional<Shard> shard = std::nullopt,
                std::ostream& notes = std::cerr);
  ~RenderSession();

  // Renders every image of the run (or of the shard), then writes the contact sheet, the
  // gallery page and the summary JSON (a shard: its partial summary). Throws Interrupted
  // after saving the current image and the summary when Ctrl-C was pressed.
  void run();

  // Watches every evaluation (engine/render/render_observer.h); null (the default): none.
  // The observer must outlive run().
  void set_observer(RenderObserver* observer) { observer_ = observer; }
  // Takes the backend, the network and each stage's captured targets from `resources`
  // (engine/render/render_resources.h), loading into it what it lacks; null (the default):
  // loads them itself. The resources must outlive the session.
  void set_resources(RenderResources* resources) { resources_ = resources; }

  const std::vector<RenderedImage>& images() const { return record_.images; }
  // The un-randomized render of each contact sheet row (mode none), when the sheet has them.
  const std::vector<RenderedImage>& references() const { return record_.references; }
  // The summary JSON written (a shard's partial summary).
  const std::string& summary_path() const { return summary_path_; }
  const std::string& contact_sheet_path() const { return contact_sheet_path_; }

 private:
  struct State;
  void prepare();
  // The model truncated after `last_layer`, built into a network on the session's backend.
  LoadedNetwork load_network(const std::string& last_layer) const;
  // Plans the memory before the first iteration (engine/stages/memory_check.h).
  void check_memory(const std::vector<LayerSpec>& layers);
  // One image of the run and its steps (render_image.cpp); a reference cell is the
  // un-randomized render (mode none, the run's seed) of a contact sheet row.
  RenderedImage render_one(const GridCell& cell);
  // Optimizes stage `index` of one image from x (the configured init for stage 0, else the
  // previous stage's result, resized here) and records it in result.stages.
  void render_stage(size_t index, RenderedImage& result, Tensor& x, bool reference);
  Tensor initial_image(uint64_t seed) const;
  // Where the first stage of an image starts: the configured init, or for a path frame after
  // the first the previous frame's result (the image only; the optimizer starts afresh).
  Tensor first_stage_start(const RenderedImage& result);
  // Before a path frame after the first: its Grams replace the previous frame's.
  void prepare_frame(const RenderedImage& result);
  // A path's animated WebP from the frames written (engine/image/webp_animation.h).
  void write_animation();
  // The evaluations and steps of one stage, with progress lines and intermediate saves named
  // after `save_base`; stops early when the optimizer does, or on Ctrl-C (result.interrupted).
  void optimize(StyleObjective& objective, Optimizer& optimizer, Tensor& x, Tensor& grad,
                const OutputLook& look, const std::string& save_base, RenderedImage& result,
                StageResult& stage);
  Image save_image(const Tensor& x, const OutputLook& look, const std::string& path) const;
  void save_final(const Tensor& x, const OutputLook& look, RenderedImage& result);
  // The facts of this process (backend, memory, model, timings) into record_.
  void record_process_facts();
  // The summary JSON, or a shard's partial summary.
  void write_summary(bool interrupted);

  RenderConfig config_;
  std::ostream& log_;
  std::ostream& notes_;
  std::optional<Shard> shard_;
  std::unique_ptr<State> state_;
  RenderObserver* observer_ = nullptr;
  RenderResources* resources_ = nullptr;
  RunRecord record_;
  RenderOutputs outputs_;
  std::vector<GridCell> grid_;
  std::vector<size_t> rendered_cells_;  // the grid cells this process renders, in order
  std::string summary_path_, contact_sheet_path_;
};

}  // namespace nsrg
