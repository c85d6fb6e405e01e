// How a network expects its input: channel order, value scale and per-channel mean, as
// recorded in the weights file's nsrg.preprocess metadata. RGB in [0,1] becomes
// (channel in `order`) * scale - mean[channel].
#pragma once

#include <array>

namespace nsrg {

struct Preprocess {
  bool bgr = true;  // "order": "bgr" (Caffe) or "rgb"
  float scale = 255.0f;
  std::array<float, 3> mean{103.939f, 116.779f, 123.68f};  // in network channel order
};

}  // namespace nsrg
