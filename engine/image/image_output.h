// Turning the optimized tensor into the saved picture: download, deprocess, levels,
// original colors, atomic write; plus loading an input image at the render size.
#pragma once

#include <string>

#include "engine/core/backend.h"
#include "engine/core/preprocess.h"
#include "engine/image/image.h"

namespace nsrg {

struct OutputLook {
  LevelsMode levels = LevelsMode::MinMax;
  double low_percentile = 0.5, high_percentile = 99.5;
  const Image* original_colors_from = nullptr;  // the content image, when original_colors
};

// The image x ([1,3,H,W], preprocessed) holds, before any level adjustment.
Image tensor_to_image(Backend& backend, const Tensor& x, const Preprocess& preprocess);

// Applies levels then original colors (neural-style's order) and writes `path` atomically.
// Returns the final picture.
Image finish_and_write(const Image& raw, const OutputLook& look, const std::string& path);

// Reads an image and resizes it so its longest side is `longest` (unchanged if it already is).
Image load_image_at_size(const std::string& path, int longest);

// The preprocessed [1,3,H,W] tensor of an image.
Tensor image_to_tensor(Backend& backend, const Image& image, const Preprocess& preprocess);

}  // namespace nsrg
