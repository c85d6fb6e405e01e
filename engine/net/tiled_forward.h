// A Network run tile by tile over one image (docs/design.md, "Tiled evaluation"): the tiles
// of tile_plan.h for the image's size, each tile's crop (interior and halo) cut out of the
// image and run forward, and each layer's interior positions found in the crop's output and
// in the whole image's. The tiled objective, the tiled target capture and the memory plan
// use it.
#pragma once

#include <vector>

#include "engine/core/backend.h"
#include "engine/net/network.h"
#include "engine/net/tile_plan.h"

namespace nsrg {

class TiledForward {
 public:
  // Images of `image` shape through layers 0..last, in tiles of `tile_size` pixels (> 0).
  TiledForward(Backend& backend, Network& network, int last, const Shape& image, int tile_size);

  const TilePlan& plan() const { return plan_; }
  const Shape& image_shape() const { return image_; }
  int last_layer() const { return last_; }
  // The whole image's output shape of `layer` (what an untiled forward pass makes).
  const Shape& whole_shape(int layer) const { return whole_shapes_[size_t(layer) + 1]; }
  // [1, C, largest crop height, largest crop width]: every crop fits in it.
  Shape largest_crop() const { return {1, image_.c, plan_.crop_h, plan_.crop_w}; }

  // Cuts the tile's crop out of `image` (of image_shape()) and runs the network's forward
  // pass on it; the network's activations are then the crop's. Returns the crop tensor,
  // valid until the next forward (the backward pass reads it). The crop tensor and the
  // network's buffers are allocated once, for largest_crop(), and viewed at each crop's
  // shape (Network::reserve), so the tiles' varying shapes allocate nothing.
  const Tensor& forward(const Tensor& image, const Tile& tile);

  // The tile's interior at the output of `layer`: in the crop's output positions (in_crop),
  // or in the whole image's. Empty when no position of the layer falls in the interior.
  Window interior(const Tile& tile, int layer, bool in_crop) const;

  // The tile's interior of `layer`'s current activations copied into a view of `storage`
  // (grown as needed); an empty Tensor when the interior is empty.
  Tensor interior_features(const Tile& tile, int layer, Tensor& storage);

 private:
  Backend& backend_;
  Network& network_;
  int last_;
  Shape image_;
  NetworkReach reach_;
  TilePlan plan_;
  std::vector<Shape> whole_shapes_;
  Tensor crop_storage_, crop_;
};

// A view of `shape` over `storage`, which is (re)allocated when it holds fewer elements.
Tensor scratch_view(Backend& backend, Tensor& storage, const Shape& shape);

}  // namespace nsrg
