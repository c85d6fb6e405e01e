// Synthetic Caffe networks with deterministic pseudo-random weights, written as real
// caffemodel files in either format: inputs for the converter's tests and for the scale
// benchmark (a full-size VGG-19) without the real downloads. Not used by the conversion.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tools/convert_caffe/caffe_net.h"

namespace nsrg {

// Layer builders (current form). Blobs carry their shapes only; values are drawn when the
// network is written.
caffe::LayerParameter make_convolution_layer(const std::string& name, const std::string& bottom,
                                             const std::string& top, int out, int in, int kernel,
                                             int stride = 1, int pad = 0);
caffe::LayerParameter make_relu_layer(const std::string& name, const std::string& blob);
caffe::LayerParameter make_pooling_layer(const std::string& name, const std::string& bottom,
                                         const std::string& top, bool max, int kernel, int stride);
caffe::LayerParameter make_inner_product_layer(const std::string& name, const std::string& bottom,
                                               const std::string& top, int out, int in);
caffe::LayerParameter make_layer(const std::string& name, const std::string& type,
                                 const std::vector<std::string>& bottoms,
                                 const std::vector<std::string>& tops);

// VGG-19 / VGG-16 as in the ILSVRC-2014 deploy definitions: input blob "data", the real layer
// names and shapes, then (with fully_connected) fc6 [4096,25088], fc7, fc8 and "prob".
std::vector<caffe::LayerParameter> vgg19_layers(bool fully_connected);
std::vector<caffe::LayerParameter> vgg16_layers(bool fully_connected);
// Network-in-Network for ImageNet (nin_imagenet_conv) as a training net: data layer, 11x11
// stride-4 conv1, 1x1 "cccp" convolutions, 3x3 stride-2 max pools, dropout, average pool4,
// accuracy and loss.
std::vector<caffe::LayerParameter> nin_imagenet_layers();

struct SyntheticOptions {
  CaffeFormat format = CaffeFormat::LegacyV1;
  uint64_t seed = 1;
  bool strip_layer_params = false;  // omit convolution and pooling parameters
  bool double_data = false;         // store values as double_data instead of data
};

// Element `index` of blob `blob` of the layer at `layer` in the list: weights (blob 0)
// uniform with He variance 2/fan_in, biases uniform in [-0.01, 0.01).
float synthetic_value(uint64_t seed, size_t layer, size_t blob, size_t index, int64_t fan_in);

// Writes `layers` with synthetic values as a caffemodel (atomically), one layer at a time so
// memory stays near the largest layer. V1 files get legacy 4-D blob dims and enum types.
void write_synthetic_caffemodel(const std::string& path, const std::string& net_name,
                                const std::vector<caffe::LayerParameter>& layers,
                                const SyntheticOptions& options);

}  // namespace nsrg
