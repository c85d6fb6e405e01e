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
  // The table is a calibration in the manner of ranVGG (He, Wang & Hopcroft 2016): layer by
  // layer, each gain was set so that the mean activation of the ReLU after it, over the five
  // images in examples/images at 256 px, is 1000 (tools/calibrate_builtin_vgg prints it).
  // Equal levels make shallow and deep style layers weigh alike. The level itself is chosen
  // large, as with trained VGG weights, so that with neural-style's default weights (content
  // 5, style 100, tv 1e-3) the total variation stays a small term and the losses are far
  // above lbfgs.lua's absolute threshold (y.s > 1e-10), which otherwise rejects every pair
  // and stalls L-BFGS at the start. Since biases are 0 and ReLU and max pooling are
  // positively homogeneous, every activation scales with conv1_1's gain.
  float default_gain = 1.0f;
  std::map<std::string, float> gain{
      {"conv1_1", 33.468761f}, {"conv1_2", 0.943539f}, {"conv2_1", 0.939629f},
      {"conv2_2", 1.113520f},  {"conv3_1", 0.757022f}, {"conv3_2", 0.970246f},
      {"conv3_3", 0.899257f},  {"conv3_4", 0.932612f}, {"conv4_1", 0.962231f},
      {"conv4_2", 1.002352f},  {"conv4_3", 0.992244f}, {"conv4_4", 1.015948f},
      {"conv5_1", 0.854854f},  {"conv5_2", 0.943932f}, {"conv5_3", 1.037658f},
      {"conv5_4", 0.971531f}};
  // Bias by conv layer name; layers not listed get 0.
  std::map<std::string, float> bias;
  // Zero-mean filters were tried and dropped: with zero biases they make the mean-colour
  // image (x = 0 after preprocessing, near where renders start) a saddle where the style
  // gradient vanishes, and L-BFGS crawls for dozens of iterations before it escapes.
  bool zero_mean_filters = false;

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
