// A region's guided Gram matrix ([[regions]]; Gatys et al., "Controlling Perceptual Factors
// in Neural Style Transfer", CVPR 2017): the layer's features weighted per position by the
// region's mask at that layer's resolution, G = (F m)(F m)^T / (C sum_p m_p^2), and its
// backward; and the masks themselves, brought to each style layer's resolution by average
// pooling through the network's own pooling windows (docs/design.md, "Numerical contract").
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/core/backend.h"
#include "engine/net/network.h"

namespace nsrg {

// A mask at one layer's resolution: [1,1,h,w], and its mass sum_p m_p^2 (> 0), in double.
struct LayerMask {
  Tensor mask;
  double mass = 0;
};

// One mask at each of several layers, by layer name.
using LayerMasks = std::map<std::string, LayerMask>;

// The Gram scale of a mask of `mass` at a layer of `channels` channels: 1 / (C * mass),
// rounded to float once. A mask of ones (mass H*W) gives the plain Gram's 1 / (C H W).
float masked_gram_scale(int channels, double mass);

// masked = features times the mask per position; gram = scale * masked masked^T.
void masked_gram(Backend& backend, const Tensor& features, const Tensor& mask, float scale,
                 Tensor& masked, Tensor& gram);

// The gradient of the masked Gram with respect to the features, given dgram: into `masked`
// (the forward's masked features, overwritten) scale * ((dgram + dgram^T) masked) times the
// mask per position. `scratch` (the features' size) holds the step between.
void masked_gram_backward(Backend& backend, Tensor& masked, const Tensor& mask, const Tensor& dgram,
                          float scale, Tensor& scratch);

// The mask `values` (height x width, row-major, in [0,1]) at the network's input resolution
// brought to the output of each of `names`: convolutions
// and ReLUs keep it (a convolution that changes the size is a UserError naming it), each
// pooling layer average-pools it with its own window, stride and padding. UserError when a
// mask has no mass at a layer; `what` names the mask in the messages.
LayerMasks layer_masks(Backend& backend, const Network& network, const std::vector<float>& values,
                       int height, int width, const std::vector<std::string>& names,
                       const std::string& what);

}  // namespace nsrg
