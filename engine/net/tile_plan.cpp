// The network's reach from its architecture, and the tiles of an image with their halos.
#include "engine/net/tile_plan.h"

#include <algorithm>

#include "engine/core/error.h"

namespace nsrg {

namespace {

// Adds a layer of kernel k, stride s and padding p to one axis.
void add_window_layer(AxisReach& axis, int kernel, int stride, int pad) {
  const int jump = axis.stride.empty() ? 1 : axis.stride.back();
  axis.before += pad * jump;
  axis.after += (kernel - stride - pad) * jump;
  axis.stride.push_back(jump * stride);
}

void add_layer(NetworkReach& reach, const LayerSpec& layer) {
  switch (layer.type) {
    case LayerType::Conv:
      add_window_layer(reach.rows, layer.conv.kernel_h, layer.conv.stride_h, layer.conv.pad_h);
      add_window_layer(reach.columns, layer.conv.kernel_w, layer.conv.stride_w, layer.conv.pad_w);
      return;
    case LayerType::MaxPool:
    case LayerType::AvgPool:
      add_window_layer(reach.rows, layer.pool.kernel_h, layer.pool.stride_h, layer.pool.pad_h);
      add_window_layer(reach.columns, layer.pool.kernel_w, layer.pool.stride_w, layer.pool.pad_w);
      return;
    case LayerType::Relu:
      add_window_layer(reach.rows, 1, 1, 0);
      add_window_layer(reach.columns, 1, 1, 0);
      return;
  }
}

void finish_axis(AxisReach& axis) {
  const int stride = axis.total_stride();
  const int reach = std::max({axis.before, axis.after, 0});
  axis.halo = (reach + stride - 1) / stride * stride;
}

// Cuts [0, size) into spans of `step` pixels (the last one shorter when step does not divide
// size): {start, length}.
std::vector<std::pair<int, int>> cut_axis(int size, int step) {
  std::vector<std::pair<int, int>> spans;
  for (int start = 0; start < size; start += step)
    spans.push_back({start, std::min(step, size - start)});
  return spans;
}

// The interior [start, start + length) of an axis of `size` pixels at a layer of `stride`
// whose whole output has `whole` positions: the positions [start / stride, end / stride), the
// last interior running to the layer's last position (ceil-mode pooling can add one).
std::pair<int, int> layer_span(int start, int length, int size, int stride, int whole) {
  const int first = std::min(start / stride, whole);
  const int end = start + length == size ? whole : std::min((start + length) / stride, whole);
  return {first, std::max(end - first, 0)};
}

}  // namespace

NetworkReach network_reach(const std::vector<LayerSpec>& layers, int last) {
  NSRG_CHECK(last >= 0 && last < int(layers.size()), "network_reach to layer ", last, " of ",
             layers.size());
  NetworkReach reach;
  for (int i = 0; i <= last; ++i) add_layer(reach, layers[size_t(i)]);
  finish_axis(reach.rows);
  finish_axis(reach.columns);
  return reach;
}

TilePlan plan_tiles(const NetworkReach& reach, int image_h, int image_w, int tile_size) {
  NSRG_CHECK(image_h > 0 && image_w > 0 && tile_size > 0, "plan_tiles ", image_h, "x", image_w,
             " by ", tile_size);
  TilePlan plan;
  const int stride_h = reach.rows.total_stride(), stride_w = reach.columns.total_stride();
  plan.tile_h = std::max(stride_h, tile_size / stride_h * stride_h);
  plan.tile_w = std::max(stride_w, tile_size / stride_w * stride_w);
  for (const auto& [y, h] : cut_axis(image_h, plan.tile_h)) {
    for (const auto& [x, w] : cut_axis(image_w, plan.tile_w)) {
      Tile tile;
      tile.interior = {y, x, h, w};
      const int top = std::max(0, y - reach.rows.halo);
      const int left = std::max(0, x - reach.columns.halo);
      const int bottom = std::min(image_h, y + h + reach.rows.halo);
      const int right = std::min(image_w, x + w + reach.columns.halo);
      tile.crop = {top, left, bottom - top, right - left};
      plan.crop_h = std::max(plan.crop_h, tile.crop.h);
      plan.crop_w = std::max(plan.crop_w, tile.crop.w);
      plan.tiles.push_back(tile);
    }
  }
  return plan;
}

Window layer_interior(const NetworkReach& reach, int layer, const Tile& tile, int image_h,
                      int image_w, int whole_h, int whole_w, bool in_crop) {
  const int stride_h = reach.rows.stride.at(size_t(layer));
  const int stride_w = reach.columns.stride.at(size_t(layer));
  const auto [y, h] = layer_span(tile.interior.y, tile.interior.h, image_h, stride_h, whole_h);
  const auto [x, w] = layer_span(tile.interior.x, tile.interior.w, image_w, stride_w, whole_w);
  if (!in_crop) return {y, x, h, w};
  return {y - tile.crop.y / stride_h, x - tile.crop.x / stride_w, h, w};
}

}  // namespace nsrg
