// RenderSession: load and capture once, then optimize every image of the run.
#include "engine/render/render_session.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <ostream>
#include <set>

#include "engine/backend_factory.h"
#include "engine/core/error.h"
#include "engine/core/random_fill.h"
#include "engine/net/network.h"
#include "engine/net/targets.h"
#include "engine/optim/optimizer.h"
#include "engine/render/image_output.h"
#include "engine/render/image_style_targets.h"
#include "engine/render/interrupt.h"
#include "engine/render/output_names.h"
#include "engine/render/output_plan.h"
#include "engine/render/progress.h"
#include "kernels/philox.h"
#include "weights/model.h"

namespace nsrg {

namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}
}  // namespace

struct RenderSession::State {
  std::unique_ptr<Backend> backend;
  std::unique_ptr<Network> network;
  Preprocess preprocess;
  std::string model_source;
  Image content_image;
  std::vector<Image> style_images;
  Tensor content_tensor;
  std::map<std::string, Tensor> content_targets;
  std::map<std::string, Tensor> base_grams;
  std::vector<std::vector<std::string>> layer_sets;
  std::unique_ptr<StyleTargetsWriter> targets_writer;  // when output.save_targets
  double load_seconds = 0, capture_seconds = 0;
};

RenderSession::RenderSession(RenderConfig config, std::ostream& log)
    : config_(std::move(config)), log_(log), state_(std::make_unique<State>()) {}

RenderSession::~RenderSession() = default;

void RenderSession::prepare() {
  State& s = *state_;
  const auto start = Clock::now();
  BackendOptions options;
  options.precision = config_.precision == "tf32" ? Precision::Tf32 : Precision::Fp32;
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

  s.content_image = load_image_at_size(config_.content_image, config_.image_size);
  const int style_size = int(std::ceil(config_.style_scale * config_.image_size));
  for (const std::string& path : config_.style_images)
    s.style_images.push_back(load_image_at_size(path, style_size));
  s.load_seconds = seconds_since(start);

  const auto capture_start = Clock::now();
  s.content_tensor = image_to_tensor(*s.backend, s.content_image, s.preprocess);
  s.content_targets =
      capture_features(*s.backend, *s.network, s.content_tensor, config_.content_layers);
  std::vector<Tensor> style_tensors;
  std::vector<const Tensor*> style_pointers;
  for (const Image& image : s.style_images)
    style_tensors.push_back(image_to_tensor(*s.backend, image, s.preprocess));
  for (const Tensor& t : style_tensors) style_pointers.push_back(&t);
  // Every style layer of every set, captured once (a sweep renders them one at a time).
  std::set<std::string> style_layers;
  for (const auto& set : s.layer_sets) style_layers.insert(set.begin(), set.end());
  if (config_.style_targets.empty())
    s.base_grams =
        capture_grams(*s.backend, *s.network, style_pointers, config_.style_blend_weights,
                      {style_layers.begin(), style_layers.end()});
  else
    s.base_grams = load_style_targets(*s.backend, *s.network, config_.style_targets,
                                      {style_layers.begin(), style_layers.end()});
  if (config_.save_targets) s.targets_writer = std::make_unique<StyleTargetsWriter>(config_);
  s.backend->synchronize();
  s.capture_seconds = seconds_since(capture_start);
  log_ << "content " << s.content_image.width << "x" << s.content_image.height << ", "
       << s.style_images.size() << " style image(s), model: " << s.model_source << "\n";
}

RenderedImage RenderSession::render_one(const std::vector<std::string>& style_layers, int variant,
                                        bool reference) {
  State& s = *state_;
  Backend& backend = *s.backend;
  RenderedImage result;
  result.seed = config_.seed + uint64_t(variant);
  result.variant = variant;
  result.style_layers = style_layers;
  result.mode = reference ? "none" : config_.randomization_for(style_layers.front()).mode;

  // Style targets: the base Gram, or its randomized version for this seed.
  const ImageStyleTargets targets = make_style_targets(backend, *s.network, config_, s.base_grams,
                                                       style_layers, result.seed, !reference);
  const std::map<std::string, const Tensor*>& style_targets = targets.by_layer;
  std::map<std::string, const Tensor*> content_targets;
  for (const auto& [layer, target] : s.content_targets) content_targets[layer] = &target;

  ObjectiveWeights weights;
  weights.content = config_.content_weight;
  weights.style = config_.style_weight;
  weights.tv = config_.tv_weight;
  weights.normalize_gradients = config_.normalize_gradients;
  StyleObjective objective(backend, *s.network, weights, content_targets, style_targets);

  // Initial image.
  const Shape shape = s.content_tensor.shape();
  Tensor x = backend.empty(shape);
  if (config_.init_kind == "image") {
    if (config_.init_image.empty()) {
      backend.copy(s.content_tensor, x);
    } else {
      const Image init = resize(read_image(config_.init_image), shape.w, shape.h);
      x = image_to_tensor(backend, init, s.preprocess);
    }
  } else {
    std::vector<float> noise(shape.numel());
    fill_normals(RandomStream{result.seed, 0, 0, RandomPurpose::InitImage}, 0.001f, noise.data(),
                 noise.size());
    backend.upload(noise.data(), x);
  }
  Tensor grad = backend.empty(shape);

  OptimizerSettings settings;
  settings.kind =
      config_.optimizer == "adam" ? OptimizerSettings::Kind::Adam : OptimizerSettings::Kind::Lbfgs;
  settings.learning_rate = config_.learning_rate;
  settings.history = config_.history;
  settings.beta1 = config_.beta1;
  settings.beta2 = config_.beta2;
  settings.epsilon = config_.epsilon;
  const std::unique_ptr<Optimizer> optimizer = make_optimizer(backend, settings, shape);

  result.path = reference ? reference_image_path(config_, outputs_, style_layers)
                          : image_path(config_, outputs_, style_layers, variant);
  OutputLook look;
  look.levels = parse_levels_mode(config_.levels);
  look.low_percentile = config_.levels_low_percentile;
  look.high_percentile = config_.levels_high_percentile;
  look.original_colors_from = config_.original_colors ? &s.content_image : nullptr;
  auto save = [&](const std::string& path) {
    const Image raw = tensor_to_image(backend, x, s.preprocess);
    finish_and_write(raw, look, path);
    return raw;
  };

  log_ << "rendering " << result.path << " (seed " << result.seed << ", style layers "
       << short_layer_names(style_layers) << ", " << result.mode << ", " << optimizer->name()
       << ")\n";
  const int iterations = config_.iterations;
  const auto start = Clock::now();
  auto last_report = start;
  int last_report_iteration = 0;
  for (int k = 1; k <= iterations; ++k) {
    objective.evaluate(x, grad);
    result.evaluations = k;
    const bool print = config_.print_iter > 0 && k % config_.print_iter == 0;
    if (print || k == 1 || k == iterations) {
      const LossValues losses = objective.read_losses();
      NSRG_REQUIRE(std::isfinite(losses.total), "the optimization diverged: the loss is ",
                   losses.total, " at iteration ", k,
                   " (lower optimizer.learning_rate or the loss weights, or use adam)");
      result.history.push_back({k, losses});
      result.final_losses = losses;
      if (print || k == 1) {
        const auto now = Clock::now();
        const double rate = k == 1 ? 0.0
                                   : (k - last_report_iteration) /
                                         std::chrono::duration<double>(now - last_report).count();
        log_ << format_progress(k, iterations, losses, rate) << std::endl;
        last_report = now;
        last_report_iteration = k;
      }
    }
    if (config_.save_iter > 0 && k % config_.save_iter == 0 && k < iterations)
      save(intermediate_path(result.path, k));
    if (interrupt_requested()) {
      result.interrupted = true;
      break;
    }
    optimizer->step(x, grad, objective.total_slot());
    if (print && optimizer->stopped()) {
      result.stopped_early = true;
      log_ << "optimizer stopped: no further progress possible (g.d > -tolX)" << std::endl;
      break;
    }
  }
  if (!result.interrupted && !result.history.empty() &&
      result.history.back().iteration != result.evaluations) {
    result.final_losses = objective.read_losses();
    result.history.push_back({result.evaluations, result.final_losses});
  }
  if (result.interrupted) {
    result.final_losses = objective.read_losses();
  }
  const Image raw = save(result.path);
  if (config_.save_raw) {
    result.raw_path = raw_path(result.path);
    Image clamped = raw;
    apply_levels(clamped, LevelsMode::Clamp);
    write_image(result.raw_path, clamped);
  }
  if (s.targets_writer)
    s.targets_writer->write(backend, targets, style_layers, result.seed,
                            reference ? "none" : variant_letters(variant), !reference,
                            style_targets_path(result.path));
  backend.synchronize();
  result.seconds = seconds_since(start);
  log_ << "saved " << result.path << " (" << result.evaluations << " evaluations, "
       << format_duration(result.seconds) << ")" << std::endl;
  return result;
}

const Image& RenderSession::content_image() const {
  return state_->content_image;
}
const Image& RenderSession::style_image(size_t index) const {
  return state_->style_images[index];
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
