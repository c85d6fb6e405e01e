// RenderSession: load and capture once (prepare), then render every image of the run or
// of its shard (render_image.cpp) and write a path's animated WebP, the contact sheet, the
// gallery page and the summary JSON, or the shard's partial summary
// (render_session_summary.cpp).
#include "engine/render/render_session.h"

#include <algorithm>
#include <cmath>
#include <ostream>
#include <set>

#include "engine/backends/backend_factory.h"
#include "engine/core/error.h"
#include "engine/image/image_output.h"
#include "engine/image/webp_animation.h"
#include "engine/net/targets.h"
#include "engine/output/contact_sheet.h"
#include "engine/output/gallery_writer.h"
#include "engine/output/output_plan.h"
#include "engine/output/run_description.h"
#include "engine/render/interrupt.h"
#include "engine/render/render_clock.h"
#include "engine/render/render_resources.h"
#include "engine/render/render_session_state.h"
#include "engine/stages/image_style_targets.h"
#include "engine/stages/memory_check.h"
#include "engine/stages/morph_path.h"
#include "engine/stages/stages.h"
#include "weights/model.h"

namespace nsrg {

RenderSession::RenderSession(RenderConfig config, std::ostream& log, std::optional<Shard> shard,
                             std::ostream& notes)
    : config_(std::move(config)),
      log_(log),
      notes_(notes),
      shard_(shard),
      state_(std::make_unique<State>()) {}

RenderSession::~RenderSession() = default;

void RenderSession::prepare() {
  State& s = *state_;
  const auto start = Clock::now();
  BackendOptions options;
  options.precision = config_.precision;
  options.threads = config_.threads;
  const auto make_backend = [&] { return create_backend(config_.backend, options); };
  s.backend = resources_ != nullptr ? resources_->backend(backend_key(config_), make_backend)
                                    : std::shared_ptr<Backend>(make_backend());
  log_ << "backend: " << s.backend->description() << "\n";

  // Layer names are checked against the whole architecture before anything is rendered.
  const std::vector<LayerSpec> architecture = load_architecture(config_.model);
  auto has_layer = [&](const std::string& name) {
    return std::any_of(architecture.begin(), architecture.end(),
                       [&](const LayerSpec& l) { return l.name == name; });
  };
  validate_layers(config_, has_layer);

  s.layer_sets = style_layer_sets(config_);
  std::set<std::string> needed(config_.content_layers.begin(), config_.content_layers.end());
  for (const auto& set : s.layer_sets) needed.insert(set.begin(), set.end());
  std::string last_layer;
  for (const LayerSpec& layer : architecture)
    if (needed.count(layer.name)) last_layer = layer.name;

  const std::string network_name = network_key(config_, last_layer);
  const LoadedNetwork loaded =
      resources_ != nullptr
          ? resources_->network(network_name, [&] { return load_network(last_layer); })
          : load_network(last_layer);
  s.preprocess = loaded.preprocess;
  s.model_source = loaded.source;
  s.network = loaded.network;

  if (config_.path.given) s.frames = path_frames(config_.path);
  s.stages = config_.stages;
  for (const Stage& stage : s.stages) s.inputs.push_back(load_stage_images(config_, stage));
  s.load_seconds = seconds_since(start);
  check_memory(loaded.layers);

  const auto capture_start = Clock::now();
  // Every style layer of every set, captured once per stage (a sweep renders them one at a
  // time).
  std::set<std::string> style_layers;
  for (const auto& set : s.layer_sets) style_layers.insert(set.begin(), set.end());
  std::vector<std::string> decompose;  // the layers randomized from their eigendecomposition
  for (const std::string& layer : style_layers)
    if (mode_uses_eigen(config_.randomization_for(layer).mode)) decompose.push_back(layer);
  for (size_t i = 0; i < s.inputs.size(); ++i) {
    StageInputs& inputs = s.inputs[i];
    const int tile_size = s.tile_sizes[i];  // the memory plan's choice for the stage
    const auto capture = [&, tile_size](StageInputs& stage_inputs) {
      capture_stage_targets(*s.backend, *s.network, s.preprocess, config_,
                            {style_layers.begin(), style_layers.end()}, tile_size, stage_inputs);
    };
    if (resources_ != nullptr) {
      resources_->capture(capture_key(config_, s.stages[i], tile_size, network_name), inputs,
                          capture, decompose);
    } else {
      capture(inputs);
    }
    for (const std::string& note : inputs.notes) log_ << note << "\n";
  }
  if (config_.min_distance > 0.0f)
    for (const auto& set : s.layer_sets)
      s.draws.push_back(
          choose_variant_draws(*s.backend, *s.network, config_, s.inputs.back().base_grams, set));
  if (config_.save_targets) {
    const auto memo = [this](const std::string& path) { return resources_->file_sha256(path); };
    s.targets_writer = resources_ != nullptr ? std::make_unique<StyleTargetsWriter>(config_, memo)
                                             : std::make_unique<StyleTargetsWriter>(config_);
  }
  s.backend->synchronize();
  s.capture_seconds = seconds_since(capture_start);
  const Image& content = s.inputs.back().content_image;
  size_t style_images = s.inputs.back().style_images.size();
  for (const RegionInputs& region : s.inputs.back().regions)
    style_images += region.style_images.size();
  log_ << "content " << content.width << "x" << content.height << ", " << style_images
       << " style image(s)"
       << (config_.regions.empty() ? "" : msg(" in ", config_.regions.size(), " regions"))
       << ", model: " << model_caption(config_) << "\n";
}

LoadedNetwork RenderSession::load_network(const std::string& last_layer) const {
  const Model model = load_model(config_.model, last_layer);
  LoadedNetwork loaded;
  loaded.network = std::make_shared<Network>(*state_->backend, model, config_.pooling);
  loaded.layers = model.layers;
  loaded.preprocess = model.preprocess;
  loaded.source = model.source;
  for (const auto& named : model.tensors) loaded.weight_bytes += named.second.data.size() * 4;
  return loaded;
}

void RenderSession::check_memory(const std::vector<LayerSpec>& layers) {
  State& s = *state_;
  MemoryPlanInput input =
      memory_plan_input(config_, layers, s.layer_sets, s.stages, s.inputs, *s.backend);
  const bool configured = config_.memory_limit_mib > 0;
  const size_t limit =
      configured ? size_t(config_.memory_limit_mib) << 20 : s.backend->available_memory_bytes();
  const char* source = configured                              ? "memory_limit_mib"
                       : s.backend->kind() == BackendKind::Cpu ? "the available memory"
                                                               : "the GPU's free memory";
  record_.memory_plan = check_memory_plan(input, limit, source, log_);
  s.tile_sizes.clear();
  for (size_t i = 0; i < s.stages.size(); ++i) {
    s.stages[i].optimizer.history = input.stages[i].optimizer.history;
    s.tile_sizes.push_back(input.stages[i].tile_size);
  }
}

void RenderSession::run() {
  if (shard_ && config_.path.given)
    throw UserError(msg(config_.config_path,
                        ": [path] renders its frames in order, each from the previous one, so it "
                        "cannot be split into shards (run it without --shard)"));
  install_interrupt_handler();
  outputs_ = plan_outputs(config_);
  check_outputs(config_, outputs_);
  grid_ = render_grid(config_, outputs_);
  if (shard_) {
    summary_path_ = partial_summary_path(outputs_.summary, *shard_);
    check_output_file(config_, summary_path_, "partial summary");
    rendered_cells_ = shard_cells(*shard_, grid_.size());
    log_ << "this shard renders " << rendered_cells_.size() << " of the run's " << grid_.size()
         << " images" << std::endl;
  } else {
    summary_path_ = outputs_.summary;
    for (size_t cell = 0; cell < grid_.size(); ++cell) rendered_cells_.push_back(cell);
  }
  if (!rendered_cells_.empty()) prepare();
  for (size_t cell : rendered_cells_) {
    const GridCell& what = grid_[cell];
    std::vector<RenderedImage>& list = what.reference ? record_.references : record_.images;
    list.push_back(render_one(what));
    if (list.back().interrupted) {
      write_summary(true);
      throw Interrupted();
    }
  }
  record_process_facts();
  if (!outputs_.animation.empty()) write_animation();
  if (!shard_ && !outputs_.contact_sheet.empty()) {
    contact_sheet_path_ = outputs_.contact_sheet;
    const StageInputs& inputs = state_->inputs.back();
    write_contact_sheet(config_, inputs.content_colors, sheet_style_images(inputs), record_,
                        contact_sheet_path_, log_);
    if (!outputs_.gallery.empty()) write_gallery(config_, outputs_, record_);
  }
  write_summary(false);
}

void RenderSession::write_animation() {
  std::vector<Image> frames;
  for (const RenderedImage& image : record_.images) frames.push_back(read_image(image.path));
  write_animated_webp(outputs_.animation, frames, config_.path.frame_ms);
  record_.animation = outputs_.animation;
  log_ << "saved " << outputs_.animation << " (" << frames.size() << " frames, "
       << config_.path.frame_ms << " ms each, looping)" << std::endl;
}

}  // namespace nsrg
