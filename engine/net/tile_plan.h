// Where the tiles of a tiled evaluation lie (docs/design.md, "Tiled evaluation"): how far the
// network up to its deepest used layer reaches around a position (its receptive field, from
// the architecture), the stride its positions sit on, and the grid of tiles that cuts an
// image into interiors on that stride, each with the halo that makes every activation its
// interior's forward and backward pass touch equal to the whole image's.
#pragma once

#include <vector>

#include "engine/core/window_rules.h"
#include "weights/model.h"

namespace nsrg {

// One axis of the network's reach.
struct AxisReach {
  std::vector<int> stride;  // per layer: image pixels between neighbouring positions of its output
  int before = 0;           // pixels before an output block's first position that its inputs reach
  int after = 0;            // pixels past its last position's stride cell that its inputs reach
  int halo = 0;             // max(before, after) rounded up to a multiple of the deepest stride

  int total_stride() const { return stride.empty() ? 1 : stride.back(); }
};

struct NetworkReach {
  AxisReach rows, columns;
};

// The reach of layers 0..last: a convolution or pooling layer of kernel k, stride s and
// padding p, whose input positions are J pixels apart, adds p*J before and (k - s - p)*J
// after; ReLUs add nothing.
NetworkReach network_reach(const std::vector<LayerSpec>& layers, int last);

// One tile, in image pixels: the interior it contributes and the crop (interior plus halo,
// cut at the image's edges) its forward and backward passes run on.
struct Tile {
  Window interior, crop;
};

struct TilePlan {
  int tile_h = 0, tile_w = 0;  // interior side, a multiple of the total stride
  int crop_h = 0, crop_w = 0;  // the largest crop's height and the largest crop's width
  std::vector<Tile> tiles;     // row by row; the interiors partition the image
};

// Tiles of `tile_size` pixels (rounded down to a multiple of the total stride, at least one
// stride) over an image of image_h x image_w pixels.
TilePlan plan_tiles(const NetworkReach& reach, int image_h, int image_w, int tile_size);

// The tile's interior at the output of `layer`, whose whole-image output is whole_h x
// whole_w: in that layer's whole-image positions (`in_crop` false) or in the positions of
// the crop's output (`in_crop` true). Empty when no position of the layer falls inside.
Window layer_interior(const NetworkReach& reach, int layer, const Tile& tile, int image_h,
                      int image_w, int whole_h, int whole_w, bool in_crop);

}  // namespace nsrg
