// Capturing loss targets: the content layers' activations of the content image and the
// style layers' Gram matrices of the style images, blended (A = sum_i b_i G_i).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/core/backend.h"
#include "engine/net/masked_gram.h"
#include "engine/net/network.h"

namespace nsrg {

// Index of the deepest of `layers` in the network (UserError-free: names are validated
// before); -1 for an empty list.
int deepest_layer(const Network& network, const std::vector<std::string>& layers);

// The activations of `layers` for `image` ([1,C,H,W] preprocessed), copied out. With a
// tile_size > 0 the network runs tile by tile (tiled_forward.h) and each tile's interior
// positions are copied into place: the same features, with less memory.
std::map<std::string, Tensor> capture_features(Backend& backend, Network& network,
                                               const Tensor& image,
                                               const std::vector<std::string>& layers,
                                               int tile_size = 0);

// Gram matrices G = F F^T / (C H W) of `layers`, blended over the style images with
// weights `blend` (normalized to sum 1 by the caller). With a tile_size > 0 each image's
// Grams are summed over its tiles' interiors (the same Grams up to float32 summation order).
// With `image_masks` (one per image; a region's style_masks) each image's Gram is taken over
// its masked features instead, G = (F m)(F m)^T / (C sum_p m_p^2) with its mask m at each
// layer (masked_gram.h); masked Grams are not tiled (tile_size must be 0).
std::map<std::string, Tensor> capture_grams(Backend& backend, Network& network,
                                            const std::vector<const Tensor*>& images,
                                            const std::vector<float>& blend,
                                            const std::vector<std::string>& layers,
                                            int tile_size = 0,
                                            const std::vector<LayerMasks>& image_masks = {});

}  // namespace nsrg
