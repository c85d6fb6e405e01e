// StyleObjective: forward to the deepest loss layer, content and style losses with their
// gradients injected on the way back, total variation on the image (tile by tile:
// objective_tiled.cpp).
#include "engine/net/objective.h"

#include <algorithm>

#include "engine/core/error.h"

namespace nsrg {

StyleObjective::StyleObjective(Backend& backend, Network& network, const ObjectiveWeights& weights,
                               const std::map<std::string, const Tensor*>& content_targets,
                               const std::map<std::string, const Tensor*>& style_targets,
                               const std::vector<RegionStyleTarget>& region_targets)
    : backend_(backend), network_(network), weights_(weights) {
  int slot = 0;
  auto add_terms = [&](const std::map<std::string, const Tensor*>& targets,
                       std::vector<Term>& terms) {
    for (const auto& [name, target] : targets) {
      const int index = network_.index_of(name);
      NSRG_CHECK(index >= 0, "loss layer ", name, " not in network");
      if (network_.layer(index).type == LayerType::Conv) network_.keep_output(index);
      terms.push_back({index, target, slot++});
      last_layer_ = std::max(last_layer_, index);
    }
  };
  add_terms(content_targets, content_terms_);
  add_terms(style_targets, style_terms_);
  for (const RegionStyleTarget& region : region_targets) {
    const int index = network_.index_of(region.layer);
    NSRG_CHECK(index >= 0, "region loss layer ", region.layer, " not in network");
    NSRG_CHECK(region.mask != nullptr && region.target != nullptr,
               "region term without a mask or target");
    if (network_.layer(index).type == LayerType::Conv) network_.keep_output(index);
    region_terms_.push_back({index, region, slot++});
    last_layer_ = std::max(last_layer_, index);
  }
  NSRG_CHECK(last_layer_ >= 0, "objective without content or style layers");
  tv_index_ = slot++;
  total_index_ = slot++;
  losses_ = backend_.zeros({1, 1, 1, slot});
}

// A style layer's term: its Gram against the target, and the gradient of that.
void StyleObjective::add_style_gradient(const Term& term, Tensor& dy) {
  const Tensor& features = network_.activation(term.layer);
  const Shape& s = features.shape();
  const Shape gram_shape{1, 1, s.c, s.c};
  const float scale = 1.0f / float(size_t(s.c) * s.h * s.w);
  Tensor gram = scratch_view(backend_, gram_, gram_shape);
  Tensor dgram = scratch_view(backend_, scratch_gram_, gram_shape);
  Tensor raw = scratch_view(backend_, scratch_features_, features.shape());
  backend_.gram(features, scale, gram);
  backend_.mse_loss(gram, *term.target, weights_.style, {&losses_, term.slot}, dgram);
  backend_.gram_backward(features, dgram, scale, raw);
  backend_.add_weighted_gradient(raw, weights_.style, weights_.normalize_gradients, dy);
}

// A region's term: the masked Gram against its target, weighted by the style weight times
// the region's; the gradient goes back through the mask.
void StyleObjective::add_region_gradient(const RegionTerm& term, Tensor& dy) {
  const Tensor& features = network_.activation(term.layer);
  const Shape& s = features.shape();
  const Shape gram_shape{1, 1, s.c, s.c};
  const LayerMask& mask = *term.target.mask;
  NSRG_CHECK(mask.mask.shape().h == s.h && mask.mask.shape().w == s.w, "region mask ",
             mask.mask.shape().str(), " for features ", s.str());
  const float scale = masked_gram_scale(s.c, mask.mass);
  const float weight = weights_.style * term.target.weight;
  Tensor gram = scratch_view(backend_, gram_, gram_shape);
  Tensor dgram = scratch_view(backend_, scratch_gram_, gram_shape);
  Tensor masked = scratch_view(backend_, scratch_masked_, features.shape());
  Tensor raw = scratch_view(backend_, scratch_features_, features.shape());
  masked_gram(backend_, features, mask.mask, scale, masked, gram);
  backend_.mse_loss(gram, *term.target.target, weight, {&losses_, term.slot}, dgram);
  masked_gram_backward(backend_, masked, mask.mask, dgram, scale, raw);
  backend_.add_weighted_gradient(masked, weight, weights_.normalize_gradients, dy);
}

void StyleObjective::evaluate(const Tensor& x, Tensor& grad) {
  if (tile_size_ > 0)
    evaluate_tiled(x, grad);
  else
    evaluate_whole(x, grad);
}

void StyleObjective::evaluate_whole(const Tensor& x, Tensor& grad) {
  network_.forward(x, last_layer_);
  const bool normalize = weights_.normalize_gradients;
  auto add_loss_gradient = [&](int layer, Tensor& dy) {
    for (const Term& term : content_terms_) {
      if (term.layer != layer) continue;
      const Tensor& features = network_.activation(layer);
      Tensor raw = scratch_view(backend_, scratch_features_, features.shape());
      backend_.mse_loss(features, *term.target, weights_.content, {&losses_, term.slot}, raw);
      backend_.add_weighted_gradient(raw, weights_.content, normalize, dy);
    }
    for (const Term& term : style_terms_)
      if (term.layer == layer) add_style_gradient(term, dy);
    for (const RegionTerm& term : region_terms_)
      if (term.layer == layer) add_region_gradient(term, dy);
  };
  network_.backward(last_layer_, add_loss_gradient, grad);
  backend_.tv_loss(x, weights_.tv, {&losses_, tv_index_}, grad);
  backend_.sum_scalars(losses_, 0, tv_index_ + 1, {&losses_, total_index_});
}

LossValues StyleObjective::read_losses() {
  const std::vector<float> slots = backend_.to_host(losses_);
  LossValues values;
  for (const Term& term : content_terms_) values.content += slots[term.slot];
  for (const Term& term : style_terms_) values.style += slots[term.slot];
  for (const RegionTerm& term : region_terms_) values.style += slots[term.slot];
  values.tv = slots[tv_index_];
  values.total = slots[total_index_];
  return values;
}

}  // namespace nsrg
