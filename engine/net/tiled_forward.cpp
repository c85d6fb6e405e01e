// TiledForward: the tile plan of an image, each tile's crop run forward, interiors by layer.
#include "engine/net/tiled_forward.h"

#include "engine/core/error.h"

namespace nsrg {

Tensor scratch_view(Backend& backend, Tensor& storage, const Shape& shape) {
  if (storage.numel() < shape.numel()) storage = backend.empty(shape);
  return storage.view(shape);
}

TiledForward::TiledForward(Backend& backend, Network& network, int last, const Shape& image,
                           int tile_size)
    : backend_(backend),
      network_(network),
      last_(last),
      image_(image),
      reach_(network_reach(network.layers(), last)),
      plan_(plan_tiles(reach_, image.h, image.w, tile_size)),
      whole_shapes_(Network::plan_buffers(network.layers(),
                                          std::vector<bool>(network.layers().size(), false), image,
                                          last)
                        .shapes) {}

const Tensor& TiledForward::forward(const Tensor& image, const Tile& tile) {
  NSRG_CHECK(image.shape() == image_, "tiled forward of ", image.shape().str(), " planned for ",
             image_.str());
  scratch_view(backend_, crop_storage_, largest_crop());
  crop_ = crop_storage_.view({1, image_.c, tile.crop.h, tile.crop.w});
  backend_.copy_window(image, tile.crop, crop_, 0, 0, false);
  network_.reserve(largest_crop(), last_);
  network_.forward(crop_, last_);
  return crop_;
}

Window TiledForward::interior(const Tile& tile, int layer, bool in_crop) const {
  const Shape& whole = whole_shape(layer);
  return layer_interior(reach_, layer, tile, image_.h, image_.w, whole.h, whole.w, in_crop);
}

Tensor TiledForward::interior_features(const Tile& tile, int layer, Tensor& storage) {
  const Window window = interior(tile, layer, true);
  if (window.empty()) return Tensor();
  Tensor features = scratch_view(backend_, storage, {1, whole_shape(layer).c, window.h, window.w});
  backend_.copy_window(network_.activation(layer), window, features, 0, 0, false);
  return features;
}

}  // namespace nsrg
