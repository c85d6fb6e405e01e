// RenderSession::render_one: one image of the run, in the steps it takes: the style targets
// (randomized for its seed; a path frame's blended first), the objective, the initial image
// (a path frame after the first: the previous frame's result), the optimizer, the loop of
// evaluations and steps with its progress lines and intermediate saves, the final save.
#include <algorithm>
#include <cmath>
#include <map>
#include <ostream>

#include "engine/core/error.h"
#include "engine/core/philox.h"
#include "engine/core/random_fill.h"
#include "engine/core/randomization.h"
#include "engine/image/image_output.h"
#include "engine/optim/optimizer.h"
#include "engine/output/output_names.h"
#include "engine/output/output_plan.h"
#include "engine/output/summary_json.h"
#include "engine/render/interrupt.h"
#include "engine/render/progress.h"
#include "engine/render/render_clock.h"
#include "engine/render/render_session_state.h"
#include "engine/stages/image_style_targets.h"
#include "engine/stages/memory_check.h"
#include "engine/stages/morph_path.h"
#include "engine/stages/region_targets.h"
#include "engine/stages/stages.h"

namespace nsrg {

namespace {

ObjectiveWeights objective_weights(const RenderConfig& config, const Stage& stage) {
  ObjectiveWeights weights;
  weights.content = config.content_weight;
  weights.style = config.style_weight;
  weights.tv = stage.tv_weight;
  weights.normalize_gradients = config.normalize_gradients;
  return weights;
}

// How the saved pictures look: output.levels, its percentiles and output.original_colors;
// a luminance-only transfer (style.color = "luminance") takes the content's colours always.
// `content` is the content image in colour.
OutputLook output_look(const RenderConfig& config, const Image& content) {
  OutputLook look;
  look.levels = config.levels;
  look.low_percentile = config.levels_low_percentile;
  look.high_percentile = config.levels_high_percentile;
  const bool content_colors = config.original_colors || config.style_color == StyleColor::Luminance;
  look.original_colors_from = content_colors ? &content : nullptr;
  return look;
}

// Iterations per second between one progress line and the next.
class IterationRate {
 public:
  // The rate since the previous call (0 at iteration 1); remembers this call.
  double next(int iteration) {
    const auto now = Clock::now();
    const double rate = iteration == 1 ? 0.0
                                       : (iteration - last_iteration_) /
                                             std::chrono::duration<double>(now - last_).count();
    last_ = now;
    last_iteration_ = iteration;
    return rate;
  }

 private:
  Clock::time_point last_ = Clock::now();
  int last_iteration_ = 0;
};

}  // namespace

Tensor RenderSession::initial_image(uint64_t seed) const {
  State& s = *state_;
  Backend& backend = *s.backend;
  const Tensor& content = s.inputs.front().content_tensor;
  const Shape shape = content.shape();
  Tensor x = backend.empty(shape);
  if (config_.init_kind == InitKind::Image) {
    if (config_.init_image.empty()) {
      backend.copy(content, x);
    } else {
      const Image init = resize(read_image(config_.init_image), shape.w, shape.h);
      x = image_to_tensor(backend, init, s.preprocess);
    }
  } else {
    std::vector<float> noise(shape.numel());
    fill_normals(RandomStream{seed, 0, 0, RandomPurpose::InitImage}, 0.001f, noise.data(),
                 noise.size());
    backend.upload(noise.data(), x);
  }
  return x;
}

Tensor RenderSession::first_stage_start(const RenderedImage& result) {
  if (!result.frame || result.frame->index == 0) return initial_image(result.seed);
  NSRG_CHECK(!state_->previous_frame.empty(), "path frame ", result.frame->index,
             " has no previous frame to start from");
  return std::move(state_->previous_frame);
}

void RenderSession::prepare_frame(const RenderedImage& result) {
  State& s = *state_;
  const PathFrame& frame = *result.frame;
  const MorphPath& path = config_.path;
  log_ << "frame " << frame_digits(frame.index) << " of " << path.frames << ": t " << frame.t
       << ", " << path.styles[size_t(frame.segment)] << " -> "
       << path.styles[size_t(frame.segment) + 1] << " at " << frame.segment_t << "\n";
  if (frame.index == 0) return;  // captured with the render's other targets
  StageInputs& inputs = s.inputs.front();
  inputs.base_grams.clear();  // before the blend, so the two frames' Grams never coexist
  inputs.base_eigens.clear();
  inputs.notes.clear();
  inputs.base_grams =
      frame_grams(*s.backend, *s.network, path, frame, result.style_layers, inputs.notes);
  for (const std::string& note : inputs.notes) log_ << note << "\n";
}

Image RenderSession::save_image(const Tensor& x, const OutputLook& look,
                                const std::string& path) const {
  const Image raw = tensor_to_image(*state_->backend, x, state_->preprocess);
  finish_and_write(raw, look, path);
  return raw;
}

void RenderSession::optimize(StyleObjective& objective, Optimizer& optimizer, Tensor& x,
                             Tensor& grad, const OutputLook& look, const std::string& save_base,
                             RenderedImage& result, StageResult& stage) {
  const int iterations = stage.iterations;
  IterationRate rate;
  for (int k = 1; k <= iterations; ++k) {
    objective.evaluate(x, grad);
    stage.evaluations = k;
    const bool print = config_.print_iter > 0 && k % config_.print_iter == 0;
    if (print || k == 1 || k == iterations) {
      const LossValues losses = objective.read_losses();
      NSRG_REQUIRE(std::isfinite(losses.total), "the optimization diverged: the loss is ",
                   losses.total, " at iteration ", k,
                   " (lower optimizer.learning_rate or the loss weights, or use adam)");
      stage.history.push_back({k, losses});
      stage.final_losses = losses;
      if (print || k == 1)
        log_ << format_progress(k, iterations, losses, rate.next(k)) << std::endl;
    }
    if (config_.save_iter > 0 && k % config_.save_iter == 0 && k < iterations)
      save_image(x, look, intermediate_path(save_base, k));
    if (observer_ != nullptr) {
      const RenderProgress progress{int(result.stages.size()), int(state_->stages.size()), k,
                                    iterations};
      const std::string preview = observer_->preview_path(progress);
      if (!preview.empty()) save_image(x, look, preview);
      observer_->on_progress(progress, preview);
    }
    if (interrupt_requested() || (observer_ != nullptr && observer_->cancelled())) {
      result.interrupted = true;
      return;
    }
    optimizer.step(x, grad, objective.total_slot());
    if (print && optimizer.stopped()) {
      stage.stopped_early = true;
      log_ << "optimizer stopped: no further progress possible (g.d > -tolX)" << std::endl;
      return;
    }
  }
}

void RenderSession::render_stage(size_t index, RenderedImage& result, Tensor& x, bool reference) {
  State& s = *state_;
  Backend& backend = *s.backend;
  Stage settings = s.stages[index];
  if (result.frame && result.frame->index > 0) settings.iterations = config_.path.iterations;
  const StageInputs& inputs = s.inputs[index];
  const size_t stage_count = s.stages.size();

  // With [[regions]] the style is the regions' masked terms alone.
  const ImageStyleTargets style =
      config_.regions.empty()
          ? make_style_targets(backend, *s.network, config_, inputs.base_grams, inputs.base_eigens,
                               result.style_layers, result.seed, !reference)
          : ImageStyleTargets{};
  const RegionTargets regions = make_region_targets(backend, *s.network, config_, inputs.regions,
                                                    result.style_layers, result.seed, !reference);
  std::map<std::string, const Tensor*> content_targets;
  for (const auto& [layer, target] : inputs.content_targets) content_targets[layer] = &target;
  StyleObjective objective(backend, *s.network, objective_weights(config_, settings),
                           content_targets, style.by_layer, regions.terms);
  objective.set_tile_size(s.tile_sizes[index]);

  // The configured init (or the previous path frame) for the first stage, else the previous
  // stage's result resized.
  const Shape shape = inputs.content_tensor.shape();
  x = index == 0 ? first_stage_start(result)
                 : resize_for_stage(backend, x, s.preprocess, shape.w, shape.h);
  Tensor grad = backend.empty(shape);
  const std::unique_ptr<Optimizer> optimizer = make_optimizer(backend, settings.optimizer, shape);

  StageResult stage;
  stage.image_size = settings.image_size;
  stage.width = shape.w;
  stage.height = shape.h;
  stage.iterations = settings.iterations;
  stage.optimizer = optimizer->name();
  const std::string stage_path = stage_image_path(result.path, index, stage_count);
  const OutputLook look = output_look(config_, inputs.content_colors);
  if (index == 0)
    log_ << "rendering " << result.path << " (seed " << result.seed << ", style layers "
         << short_layer_names(result.style_layers) << ", " << result.mode << ", "
         << optimizer->name() << ")\n";
  if (stage_count > 1)
    log_ << "stage " << index + 1 << "/" << stage_count << ": " << shape.w << "x" << shape.h << ", "
         << settings.iterations << " iterations, " << optimizer->name() << std::endl;
  const auto start = Clock::now();
  optimize(objective, *optimizer, x, grad, look, stage_path, result, stage);
  if (!result.interrupted && !stage.history.empty() &&
      stage.history.back().iteration != stage.evaluations) {
    stage.final_losses = objective.read_losses();
    stage.history.push_back({stage.evaluations, stage.final_losses});
  }
  if (result.interrupted) stage.final_losses = objective.read_losses();
  if (index + 1 < stage_count && config_.save_stages && !result.interrupted) {
    save_image(x, look, stage_path);
    stage.path = stage_path;
  }
  // A kept style holds the targets of the last stage (the final image's size).
  if (s.targets_writer && index + 1 == stage_count)
    s.targets_writer->write(backend, style, settings, result.style_layers, result.seed,
                            reference ? kReferenceVariant : variant_letters(result.variant),
                            !reference, style_targets_path(result.path), regions.per_region);
  backend.synchronize();
  stage.seconds = seconds_since(start);
  stage.peak_rss_bytes = process_peak_rss_bytes();
  if (stage_count > 1)
    log_ << "stage " << index + 1 << "/" << stage_count << " done (" << stage.evaluations
         << " evaluations, " << format_duration(stage.seconds) << ")" << std::endl;
  result.evaluations += stage.evaluations;
  result.stopped_early = stage.stopped_early;
  result.final_losses = stage.final_losses;
  result.history = stage.history;
  result.stages.push_back(std::move(stage));
}

void RenderSession::save_final(const Tensor& x, const OutputLook& look, RenderedImage& result) {
  const Image raw = save_image(x, look, result.path);
  result.stages.back().path = result.path;
  if (config_.save_raw) {
    result.raw_path = raw_path(result.path);
    Image clamped = raw;
    apply_levels(clamped, LevelsMode::Clamp);
    write_image(result.raw_path, clamped);
  }
}

RenderedImage RenderSession::render_one(const GridCell& cell) {
  State& s = *state_;
  RenderedImage result;
  result.seed = config_.seed + uint64_t(cell.variant);
  if (!cell.reference && !s.draws.empty()) {  // randomize.min_distance chose the draw
    const size_t set =
        size_t(std::find(s.layer_sets.begin(), s.layer_sets.end(), cell.style_layers) -
               s.layer_sets.begin());
    NSRG_CHECK(set < s.draws.size(), "no variant draws for the layers of ", cell.path);
    result.draw = s.draws[set].at(size_t(cell.variant));
    result.seed = config_.seed + result.draw->counter;
  }
  result.variant = cell.variant;
  result.style_layers = cell.style_layers;
  result.mode =
      cell.reference
          ? randomize_mode_name(RandomizeMode::None)
          : randomize_mode_name(config_.randomization_for(cell.style_layers.front()).mode);
  result.path = cell.path;
  if (result.draw && result.draw->gave_up) notes_ << min_distance_note(result) << std::endl;
  if (cell.frame >= 0) {
    result.frame = s.frames.at(size_t(cell.frame));
    prepare_frame(result);
  }

  const auto start = Clock::now();
  Tensor x;
  for (size_t index = 0; index < s.stages.size() && !result.interrupted; ++index)
    render_stage(index, result, x, cell.reference);
  save_final(x, output_look(config_, s.inputs[result.stages.size() - 1].content_colors), result);
  if (result.frame) s.previous_frame = std::move(x);
  s.backend->synchronize();
  result.seconds = seconds_since(start);
  log_ << "saved " << result.path << " (" << result.evaluations << " evaluations, "
       << format_duration(result.seconds) << ")" << std::endl;
  return result;
}

}  // namespace nsrg
