// How a network expects its input: channel order, value scale, per-channel mean and standard
// deviation, as recorded in the weights file's nsrg.preprocess metadata. RGB in [0,1] becomes
// ((channel in `order`) * scale - mean[channel]) / std[channel].
#pragma once

#include <array>

namespace nsrg {

struct Preprocess {
  bool bgr = true;  // "order": "bgr" (Caffe) or "rgb"
  float scale = 255.0f;
  std::array<float, 3> mean{103.939f, 116.779f, 123.68f};  // in network channel order
  // Optional in the file (torchvision's weights need it); 1 everywhere for Caffe's VGG.
  std::array<float, 3> std{1.0f, 1.0f, 1.0f};  // in network channel order, each > 0
};

}  // namespace nsrg
