// A window of a feature map and the element rule of Backend::copy_window, written once for
// host and device: the CPU backend runs it from its loops, kernels/window.cu from its kernel.
// Tiled evaluation (engine/net/tile_plan.h) uses the op to crop a tile out of the image, to
// copy a layer's tile interior out of its features and to add gradients back in place.
#pragma once

#include <cstddef>

#include "engine/core/host_device.h"

namespace nsrg {

// Rows [y, y + h) and columns [x, x + w) of every channel of a [1,C,H,W] tensor.
struct Window {
  int y = 0, x = 0, h = 0, w = 0;

  size_t area() const { return size_t(h) * size_t(w); }
  bool empty() const { return h <= 0 || w <= 0; }
};

// The two planes copy_window reads and writes: the source window and where it lands.
struct WindowCopy {
  int src_h = 0, src_w = 0;  // the source's plane
  int dst_h = 0, dst_w = 0;  // the destination's plane
  Window from;               // in the source
  int to_y = 0, to_x = 0;    // the window's top-left corner in the destination
  bool accumulate = false;   // dst += window instead of dst = window
};

// Element i of the C * from.h * from.w elements of the window (channel-major, then rows).
NSRG_HOST_DEVICE void copy_window_element(const float* src, float* dst, const WindowCopy& copy,
                                          size_t i) {
  const size_t width = size_t(copy.from.w), area = size_t(copy.from.h) * width;
  const size_t channel = i / area, row = (i % area) / width, column = i % width;
  const size_t src_index =
      (channel * size_t(copy.src_h) + size_t(copy.from.y) + row) * size_t(copy.src_w) +
      size_t(copy.from.x) + column;
  const size_t dst_index =
      (channel * size_t(copy.dst_h) + size_t(copy.to_y) + row) * size_t(copy.dst_w) +
      size_t(copy.to_x) + column;
  if (copy.accumulate)
    dst[dst_index] += src[src_index];
  else
    dst[dst_index] = src[src_index];
}

}  // namespace nsrg
