// StyleObjective's tiled evaluation (docs/design.md, "Tiled evaluation"). Pass 1 runs every
// tile's forward pass and adds its interior's positions into each style layer's whole-image
// Gram; the style losses and their Gram gradients follow from those. Pass 2 runs every tile's
// forward pass again and its backward pass from the loss gradients of its interior's
// positions only (style: from the whole-image Gram gradient; content: local), and adds the
// tile's whole image gradient, halo included, into the whole gradient. Total variation stays
// a whole-image term.
#include "engine/core/error.h"
#include "engine/net/objective.h"

namespace nsrg {

void StyleObjective::set_tile_size(int tile_size) {
  NSRG_CHECK(tile_size >= 0, "tile size ", tile_size);
  NSRG_CHECK(tile_size == 0 || !weights_.normalize_gradients,
             "tiled evaluation with normalize_gradients");
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

void StyleObjective::add_tile_gradient(const Tile& tile, const Tensor& x, Tensor& grad) {
  const Tensor& crop = tiles_->forward(x, tile);
  auto add_loss_gradient = [&](int layer, Tensor& dy) {
    const Window window = tiles_->interior(tile, layer, true);
    if (window.empty()) return;
    const Shape& whole = tiles_->whole_shape(layer);
    for (const Term& term : content_terms_) {
      if (term.layer != layer) continue;
      const Tensor features = tiles_->interior_features(tile, layer, interior_);
      Tensor target = scratch_view(backend_, interior_target_, features.shape());
      backend_.copy_window(*term.target, tiles_->interior(tile, layer, false), target, 0, 0, false);
      Tensor raw = scratch_view(backend_, interior_grad_, features.shape());
      // mse_loss averages over the interior; the whole image's loss and gradient average over
      // all of the layer's positions, so both are scaled by the interior's share.
      const float share = float(double(features.numel()) / double(whole.numel()));
      backend_.mse_loss(features, target, weights_.content * share, {&tile_slot_, 0}, raw);
      backend_.scalar_op(ScalarOp::Add, Coef(1.0f, losses_, term.slot), Coef(1.0f, tile_slot_, 0),
                         {&losses_, term.slot});
      backend_.scale(weights_.content * share, raw);
      backend_.copy_window(raw, {0, 0, window.h, window.w}, dy, window.y, window.x, true);
    }
    for (size_t t = 0; t < style_terms_.size(); ++t) {
      if (style_terms_[t].layer != layer) continue;
      const Tensor features = tiles_->interior_features(tile, layer, interior_);
      Tensor raw = scratch_view(backend_, interior_grad_, features.shape());
      backend_.gram_backward(features, whole_dgrams_[t], 1.0f / float(whole.numel()), raw);
      backend_.scale(weights_.style, raw);
      backend_.copy_window(raw, {0, 0, window.h, window.w}, dy, window.y, window.x, true);
    }
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
  backend_.fill(losses_, 0.0f);
  accumulate_tile_grams(x);
  for (size_t t = 0; t < style_terms_.size(); ++t)
    backend_.mse_loss(whole_grams_[t], *style_terms_[t].target, weights_.style,
                      {&losses_, style_terms_[t].slot}, whole_dgrams_[t]);
  backend_.fill(grad, 0.0f);
  for (const Tile& tile : tiles_->plan().tiles) add_tile_gradient(tile, x, grad);
  backend_.tv_loss(x, weights_.tv, {&losses_, tv_index_}, grad);
  backend_.sum_scalars(losses_, 0, tv_index_ + 1, {&losses_, total_index_});
}

}  // namespace nsrg
