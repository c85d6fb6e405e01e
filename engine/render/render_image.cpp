// RenderSession::render_one: one image of the run, in the steps it takes: the style targets
// (randomized for its seed), the objective, the initial image, the optimizer, the loop of
// evaluations and steps with its progress lines and intermediate saves, the final save.
#include <cmath>
#include <map>
#include <ostream>

#include "engine/core/error.h"
#include "engine/core/philox.h"
#include "engine/core/random_fill.h"
#include "engine/core/randomization.h"
#include "engine/image/image_output.h"
#include "engine/optim/optimizer.h"
#include "engine/render/image_style_targets.h"
#include "engine/render/interrupt.h"
#include "engine/render/output_names.h"
#include "engine/render/output_plan.h"
#include "engine/render/progress.h"
#include "engine/render/render_clock.h"
#include "engine/render/render_session_state.h"

namespace nsrg {

namespace {

ObjectiveWeights objective_weights(const RenderConfig& config) {
  ObjectiveWeights weights;
  weights.content = config.content_weight;
  weights.style = config.style_weight;
  weights.tv = config.tv_weight;
  weights.normalize_gradients = config.normalize_gradients;
  return weights;
}

OptimizerSettings optimizer_settings(const RenderConfig& config) {
  OptimizerSettings settings;
  settings.kind = config.optimizer;
  settings.learning_rate = config.learning_rate;
  settings.history = config.history;
  settings.beta1 = config.beta1;
  settings.beta2 = config.beta2;
  settings.epsilon = config.epsilon;
  return settings;
}

// How the saved pictures look: output.levels, its percentiles and output.original_colors.
OutputLook output_look(const RenderConfig& config, const Image& content) {
  OutputLook look;
  look.levels = config.levels;
  look.low_percentile = config.levels_low_percentile;
  look.high_percentile = config.levels_high_percentile;
  look.original_colors_from = config.original_colors ? &content : nullptr;
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
  const Shape shape = s.content_tensor.shape();
  Tensor x = backend.empty(shape);
  if (config_.init_kind == InitKind::Image) {
    if (config_.init_image.empty()) {
      backend.copy(s.content_tensor, x);
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

Image RenderSession::save_image(const Tensor& x, const OutputLook& look,
                                const std::string& path) const {
  const Image raw = tensor_to_image(*state_->backend, x, state_->preprocess);
  finish_and_write(raw, look, path);
  return raw;
}

void RenderSession::optimize(StyleObjective& objective, Optimizer& optimizer, Tensor& x,
                             Tensor& grad, const OutputLook& look, RenderedImage& result) {
  const int iterations = config_.iterations;
  IterationRate rate;
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
      if (print || k == 1)
        log_ << format_progress(k, iterations, losses, rate.next(k)) << std::endl;
    }
    if (config_.save_iter > 0 && k % config_.save_iter == 0 && k < iterations)
      save_image(x, look, intermediate_path(result.path, k));
    if (interrupt_requested()) {
      result.interrupted = true;
      return;
    }
    optimizer.step(x, grad, objective.total_slot());
    if (print && optimizer.stopped()) {
      result.stopped_early = true;
      log_ << "optimizer stopped: no further progress possible (g.d > -tolX)" << std::endl;
      return;
    }
  }
}

void RenderSession::save_final(StyleObjective& objective, const Tensor& x, const OutputLook& look,
                               RenderedImage& result) {
  if (!result.interrupted && !result.history.empty() &&
      result.history.back().iteration != result.evaluations) {
    result.final_losses = objective.read_losses();
    result.history.push_back({result.evaluations, result.final_losses});
  }
  if (result.interrupted) result.final_losses = objective.read_losses();
  const Image raw = save_image(x, look, result.path);
  if (config_.save_raw) {
    result.raw_path = raw_path(result.path);
    Image clamped = raw;
    apply_levels(clamped, LevelsMode::Clamp);
    write_image(result.raw_path, clamped);
  }
}

RenderedImage RenderSession::render_one(const std::vector<std::string>& style_layers, int variant,
                                        bool reference) {
  State& s = *state_;
  Backend& backend = *s.backend;
  RenderedImage result;
  result.seed = config_.seed + uint64_t(variant);
  result.variant = variant;
  result.style_layers = style_layers;
  result.mode = reference
                    ? randomize_mode_name(RandomizeMode::None)
                    : randomize_mode_name(config_.randomization_for(style_layers.front()).mode);

  const ImageStyleTargets style = make_style_targets(backend, *s.network, config_, s.base_grams,
                                                     style_layers, result.seed, !reference);
  std::map<std::string, const Tensor*> content_targets;
  for (const auto& [layer, target] : s.content_targets) content_targets[layer] = &target;
  StyleObjective objective(backend, *s.network, objective_weights(config_), content_targets,
                           style.by_layer);

  Tensor x = initial_image(result.seed);
  Tensor grad = backend.empty(x.shape());
  const std::unique_ptr<Optimizer> optimizer =
      make_optimizer(backend, optimizer_settings(config_), x.shape());

  result.path = reference ? reference_image_path(config_, outputs_, style_layers)
                          : image_path(config_, outputs_, style_layers, variant);
  const OutputLook look = output_look(config_, s.content_image);
  log_ << "rendering " << result.path << " (seed " << result.seed << ", style layers "
       << short_layer_names(style_layers) << ", " << result.mode << ", " << optimizer->name()
       << ")\n";
  const auto start = Clock::now();
  optimize(objective, *optimizer, x, grad, look, result);
  save_final(objective, x, look, result);
  if (s.targets_writer)
    s.targets_writer->write(backend, style, style_layers, result.seed,
                            reference ? "none" : variant_letters(variant), !reference,
                            style_targets_path(result.path));
  backend.synchronize();
  result.seconds = seconds_since(start);
  log_ << "saved " << result.path << " (" << result.evaluations << " evaluations, "
       << format_duration(result.seconds) << ")" << std::endl;
  return result;
}

}  // namespace nsrg
