// StyleObjective's tiled evaluation (docs/design.md, "Tiled evaluation"). Pass 1 runs every
// tile's forward pass and adds its interior's positions into each style layer's whole-image
// Gram; the style losses and their Gram gradients follow from those. With normalize_gradients
// a norm pass then runs every tile's forward pass once more and sums each loss's gradient's L1
// norm over the interiors (the whole image's norm, which each term's gradient is divided by).
// Pass 2 runs every tile's forward pass again and its backward pass from the loss gradients of
// its interior's positions only (style: from the whole-image Gram gradient; content: local),
// and adds the tile's whole image gradient, halo included, into the whole gradient. Total
// variation stays a whole-image term.
#include "engine/core/error.h"
#include "engine/core/loss_rules.h"
#include "engine/net/objective.h"

namespace nsrg {

void StyleObjective::set_tile_size(int tile_size) {
  NSRG_CHECK(tile_size >= 0, "tile size ", tile_size);
  NSRG_CHECK(tile_size == 0 || region_terms_.empty(), "tiled evaluation with region terms");
  tile_size_ = tile_size;
  tiles_.reset();
}

void StyleObjective::accumulate_tile_grams(const Tensor& x) {
  whole_grams_.resize(style_terms_.size());
  whole_dgrams_.resize(style_terms_.size());
  for (size_t t = 0; t < style_terms_.size(); ++t) {
    const int channels = tiles_->whole_shape(style_terms_[t].layer).c;
    const Shape gram_shape{1, 1, channels, channels};
    if (whole_grams_[t].empty() || whole_grams_[t].shape() != gram_shape) {
      whole_grams_[t] = backend_.empty(gram_shape);
      whole_dgrams_[t] = backend_.empty(gram_shape);
    }
    backend_.fill(whole_grams_[t], 0.0f);
  }
  for (const Tile& tile : tiles_->plan().tiles) {
    tiles_->forward(x, tile);
    for (size_t t = 0; t < style_terms_.size(); ++t) {
      const int layer = style_terms_[t].layer;
      const Tensor interior = tiles_->interior_features(tile, layer, interior_);
      if (interior.empty()) continue;
      const float scale = 1.0f / float(tiles_->whole_shape(layer).numel());
      Tensor partial = scratch_view(backend_, scratch_gram_, whole_grams_[t].shape());
      backend_.gram(interior, scale, partial);
      backend_.axpy(1.0f, partial, whole_grams_[t]);
    }
  }
}

Tensor StyleObjective::interior_loss_gradient(const Tile& tile, const Term& term, bool style,
                                              size_t style_index, bool add_loss) {
  const Shape& whole = tiles_->whole_shape(term.layer);
  const Tensor features = tiles_->interior_features(tile, term.layer, interior_);
  Tensor raw = scratch_view(backend_, interior_grad_, features.shape());
  if (style) {
    backend_.gram_backward(features, whole_dgrams_[style_index], 1.0f / float(whole.numel()), raw);
    return raw;
  }
  Tensor target = scratch_view(backend_, interior_target_, features.shape());
  backend_.copy_window(*term.target, tiles_->interior(tile, term.layer, false), target, 0, 0,
                       false);
  // mse_loss averages over the interior; the whole image's loss and gradient average over
  // all of the layer's positions, so both are scaled by the interior's share.
  const float share = float(double(features.numel()) / double(whole.numel()));
  backend_.mse_loss(features, target, weights_.content * share, {&tile_slot_, 0}, raw);
  if (add_loss)
    backend_.scalar_op(ScalarOp::Add, Coef(1.0f, losses_, term.slot), Coef(1.0f, tile_slot_, 0),
                       {&losses_, term.slot});
  backend_.scale(share, raw);
  return raw;
}

// Visits every content and style term whose layer has positions in the tile's interior.
template <class Visit>
void StyleObjective::for_interior_terms(const Tile& tile, int layer, Visit visit) {
  if (tiles_->interior(tile, layer, true).empty()) return;
  for (const Term& term : content_terms_)
    if (term.layer == layer) visit(term, false, size_t(0));
  for (size_t t = 0; t < style_terms_.size(); ++t)
    if (style_terms_[t].layer == layer) visit(style_terms_[t], true, t);
}

void StyleObjective::accumulate_gradient_norms(const Tensor& x) {
  if (norms_.empty()) norms_ = backend_.zeros({1, 1, 1, tv_index_});
  backend_.fill(norms_, 0.0f);
  for (const Tile& tile : tiles_->plan().tiles) {
    tiles_->forward(x, tile);
    for (int layer = 0; layer <= last_layer_; ++layer)
      for_interior_terms(tile, layer, [&](const Term& term, bool style, size_t index) {
        const Tensor raw = interior_loss_gradient(tile, term, style, index, false);
        backend_.asum(raw, {&tile_slot_, 0});
        backend_.scalar_op(ScalarOp::Add, Coef(1.0f, norms_, term.slot), Coef(1.0f, tile_slot_, 0),
                           {&norms_, term.slot});
      });
  }
  // Each slot becomes its term's factor, weight / (L1 + epsilon) (weighted_gradient_factor).
  for (const std::vector<Term>* terms : {&content_terms_, &style_terms_})
    for (const Term& term : *terms) {
      const float weight = terms == &content_terms_ ? weights_.content : weights_.style;
      backend_.scalar_op(ScalarOp::Add, Coef(1.0f, norms_, term.slot),
                         Coef(float(kGradientNormEpsilon)), {&norms_, term.slot});
      backend_.scalar_op(ScalarOp::Divide, Coef(weight), Coef(1.0f, norms_, term.slot),
                         {&norms_, term.slot});
    }
}

void StyleObjective::add_tile_gradient(const Tile& tile, const Tensor& x, Tensor& grad) {
  const Tensor& crop = tiles_->forward(x, tile);
  const bool normalize = weights_.normalize_gradients;
  auto add_loss_gradient = [&](int layer, Tensor& dy) {
    const Window window = tiles_->interior(tile, layer, true);
    for_interior_terms(tile, layer, [&](const Term& term, bool style, size_t index) {
      Tensor raw = interior_loss_gradient(tile, term, style, index, true);
      const float weight = style ? weights_.style : weights_.content;
      backend_.scale(normalize ? Coef(1.0f, norms_, term.slot) : Coef(weight), raw);
      backend_.copy_window(raw, {0, 0, window.h, window.w}, dy, window.y, window.x, true);
    });
  };
  Tensor tile_grad = scratch_view(backend_, tile_grad_, crop.shape());
  network_.backward(last_layer_, add_loss_gradient, tile_grad);
  // The whole tile gradient, halo included: the interior's losses reach the halo's pixels too,
  // and no other tile's pass counts those contributions.
  backend_.copy_window(tile_grad, {0, 0, tile.crop.h, tile.crop.w}, grad, tile.crop.y, tile.crop.x,
                       true);
}

void StyleObjective::evaluate_tiled(const Tensor& x, Tensor& grad) {
  NSRG_CHECK(grad.shape() == x.shape(), "gradient ", grad.shape().str(), " for image ",
             x.shape().str());
  if (!tiles_ || tiles_->image_shape() != x.shape())
    tiles_ = std::make_unique<TiledForward>(backend_, network_, last_layer_, x.shape(), tile_size_);
  if (tile_slot_.empty()) tile_slot_ = backend_.zeros({1, 1, 1, 1});
  scratch_view(backend_, tile_grad_, tiles_->largest_crop());  // once, for every tile
  backend_.fill(losses_, 0.0f);
  accumulate_tile_grams(x);
  for (size_t t = 0; t < style_terms_.size(); ++t)
    backend_.mse_loss(whole_grams_[t], *style_terms_[t].target, weights_.style,
                      {&losses_, style_terms_[t].slot}, whole_dgrams_[t]);
  if (weights_.normalize_gradients) accumulate_gradient_norms(x);
  backend_.fill(grad, 0.0f);
  for (const Tile& tile : tiles_->plan().tiles) add_tile_gradient(tile, x, grad);
  backend_.tv_loss(x, weights_.tv, {&losses_, tv_index_}, grad);
  backend_.sum_scalars(losses_, 0, tv_index_ + 1, {&losses_, total_index_});
}

}  // namespace nsrg
