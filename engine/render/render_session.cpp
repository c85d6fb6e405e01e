// RenderSession: load and capture once (prepare), then render every image of the run
// (render_image.cpp) and write the contact sheet and summary (render_summary.cpp).
#include "engine/render/render_session.h"

#include <algorithm>
#include <cmath>
#include <ostream>
#include <set>

#include "engine/backends/backend_factory.h"
#include "engine/core/error.h"
#include "engine/image/image_output.h"
#include "engine/net/targets.h"
#include "engine/render/image_style_targets.h"
#include "engine/render/interrupt.h"
#include "engine/render/memory_check.h"
#include "engine/render/output_plan.h"
#include "engine/render/render_clock.h"
#include "engine/render/render_session_state.h"
#include "engine/render/stages.h"
#include "weights/model.h"

namespace nsrg {

RenderSession::RenderSession(RenderConfig config, std::ostream& log)
    : config_(std::move(config)), log_(log), state_(std::make_unique<State>()) {}

RenderSession::~RenderSession() = default;

void RenderSession::prepare() {
  State& s = *state_;
  const auto start = Clock::now();
  BackendOptions options;
  options.precision = config_.precision;
  options.threads = config_.threads;
  s.backend = create_backend(config_.backend, options);
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

  const Model model = load_model(config_.model, last_layer);
  s.preprocess = model.preprocess;
  s.model_source = model.source;
  s.network = std::make_unique<Network>(*s.backend, model, config_.pooling);

  s.stages = render_stages(config_);
  for (const RenderStage& stage : s.stages) s.inputs.push_back(load_stage_images(config_, stage));
  s.load_seconds = seconds_since(start);
  check_memory(model.layers);

  const auto capture_start = Clock::now();
  // Every style layer of every set, captured once per stage (a sweep renders them one at a
  // time).
  std::set<std::string> style_layers;
  for (const auto& set : s.layer_sets) style_layers.insert(set.begin(), set.end());
  for (StageInputs& inputs : s.inputs)
    capture_stage_targets(*s.backend, *s.network, s.preprocess, config_,
                          {style_layers.begin(), style_layers.end()}, inputs);
  if (config_.save_targets) s.targets_writer = std::make_unique<StyleTargetsWriter>(config_);
  s.backend->synchronize();
  s.capture_seconds = seconds_since(capture_start);
  const Image& content = s.inputs.back().content_image;
  log_ << "content " << content.width << "x" << content.height << ", "
       << s.inputs.back().style_images.size() << " style image(s), model: " << s.model_source
       << "\n";
}

void RenderSession::check_memory(const std::vector<LayerSpec>& layers) {
  State& s = *state_;
  MemoryPlanInput input =
      memory_plan_input(config_, layers, s.layer_sets, s.stages, s.inputs, s.backend->kind());
  const bool configured = config_.memory_limit_mib > 0;
  const size_t limit =
      configured ? size_t(config_.memory_limit_mib) << 20 : s.backend->available_memory_bytes();
  const char* source = configured                              ? "memory_limit_mib"
                       : s.backend->kind() == BackendKind::Cpu ? "the available memory"
                                                               : "the GPU's free memory";
  memory_plan_ = check_memory_plan(input, limit, source, log_);
  for (size_t i = 0; i < s.stages.size(); ++i)
    s.stages[i].optimizer.history = input.stages[i].optimizer.history;
}

const Image& RenderSession::content_image() const {
  return state_->inputs.back().content_image;
}
const Image& RenderSession::style_image(size_t index) const {
  return state_->inputs.back().style_images[index];
}
std::string RenderSession::backend_description() const {
  return state_->backend ? state_->backend->description() : "";
}
size_t RenderSession::peak_memory_bytes() const {
  return state_->backend ? state_->backend->peak_memory_bytes() : 0;
}
std::string RenderSession::model_source() const {
  return state_->model_source;
}
double RenderSession::load_seconds() const {
  return state_->load_seconds;
}
double RenderSession::capture_seconds() const {
  return state_->capture_seconds;
}

void RenderSession::run() {
  install_interrupt_handler();
  outputs_ = plan_outputs(config_);
  check_outputs(config_, outputs_);
  summary_path_ = outputs_.summary;
  prepare();
  for (const auto& layers : state_->layer_sets) {
    if (sheet_has_reference_column(config_, outputs_)) {
      references_.push_back(render_one(layers, 0, true));
      if (references_.back().interrupted) {
        write_summary(true);
        throw Interrupted();
      }
    }
    for (int variant = 0; variant < config_.variants; ++variant) {
      images_.push_back(render_one(layers, variant));
      if (images_.back().interrupted) {
        write_summary(true);
        throw Interrupted();
      }
    }
  }
  if (!outputs_.contact_sheet.empty()) {
    contact_sheet_path_ = outputs_.contact_sheet;
    write_contact_sheet();
  }
  if (!outputs_.gallery.empty()) write_gallery();
  write_summary(false);
}

}  // namespace nsrg
