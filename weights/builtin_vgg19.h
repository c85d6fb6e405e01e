// The built-in model "builtin:vgg19-random": the VGG-19 architecture (neural-style's layer
// names) with deterministic random weights generated at load time, so a fresh clone renders
// without downloading 550 MB of trained weights.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "weights/model.h"

namespace nsrg {

constexpr char kBuiltinVgg19Name[] = "builtin:vgg19-random";

// Every knob of the built-in weights in one place (tune here after looking at renders).
//
// Conv layer `name` with fan_in = in_channels * kh * kw gets weights
//   w = gain(name) * sqrt(2 / fan_in) * z,   z ~ N(0, 1)   (He-normal, scaled per layer)
// drawn from RandomStream{seed, 0, conv_index, RandomPurpose::ModelWeights}.normal(i), where
// conv_index counts the conv layers from 0 (conv1_1) to 15 (conv5_4) and i is the element's
// row-major index in the [out, in, kh, kw] weight tensor. With zero_mean_filters each
// filter (the in*kh*kw weights of one output channel) has its mean removed and is scaled by
// sqrt(n / (n - 1)), which keeps the expected std at gain * sqrt(2 / fan_in); a zero-mean
// filter ignores a uniform input shift, so no filter is always on or always off after ReLU.
// Biases are constant per layer.
struct BuiltinVggRecipe {
  // The Philox key; another seed gives another, statistically equal network.
  uint64_t seed = 0x6E7372672D766767ull;  // "nsrg-vgg"
  // He-normal gain by conv layer name; layers not listed use default_gain.
  // Why 1.2: with zero-mean filters a conv removes the mean part of its input, so with gain
  // 1 the ReLU outputs shrink by about 0.8x per conv (mean activation 8.9 at relu1_1 down to
  // 0.66 at relu5_4 on a synthetic 1/f image, 128 px). Gain 1.2 keeps the mean activation
  // of every ReLU layer between 8 and 14 on that image, so deep and shallow style layers
  // weigh alike (Gatys et al. and ranVGG equalize per-layer activations likewise).
  float default_gain = 1.2f;
  std::map<std::string, float> gain;
  // Bias by conv layer name; layers not listed get 0.
  std::map<std::string, float> bias;
  bool zero_mean_filters = true;

  float gain_of(const std::string& layer) const;
  float bias_of(const std::string& layer) const;
};

// conv1_1 relu1_1 conv1_2 relu1_2 pool1 ... conv5_4 relu5_4 pool5 (37 layers): 3x3 pad 1
// stride 1 convs with 64, 128, 256, 512, 512 channels, 2x2 stride 2 max pools (ceil off).
// in_channels are filled in.
std::vector<LayerSpec> vgg19_architecture();

// The nsrg.source text: what the weights are and the recipe that made them.
std::string describe_builtin_vgg19(const BuiltinVggRecipe& recipe);

// The built-in model truncated after `last_layer` (all of it when empty); only the kept conv
// layers' weights are generated. Caffe preprocessing (bgr, 255, mean 103.939 116.779 123.68).
Model make_builtin_vgg19(const BuiltinVggRecipe& recipe, const std::string& last_layer);

}  // namespace nsrg
