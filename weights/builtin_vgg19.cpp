// The built-in random-weight VGG-19: its architecture and the deterministic generation of
// its weights from the Philox stream (OpenMP over output channels).
#include "weights/builtin_vgg19.h"

#include <cmath>
#include <sstream>

#include "engine/core/error.h"
#include "engine/core/philox.h"

namespace nsrg {
namespace {

LayerSpec conv3x3(const std::string& name, int out_channels) {
  LayerSpec layer;
  layer.name = name;
  layer.type = LayerType::Conv;
  layer.conv.out_channels = out_channels;
  layer.conv.kernel_h = layer.conv.kernel_w = 3;
  layer.conv.stride_h = layer.conv.stride_w = 1;
  layer.conv.pad_h = layer.conv.pad_w = 1;
  return layer;
}

LayerSpec relu(const std::string& name) {
  LayerSpec layer;
  layer.name = name;
  layer.type = LayerType::Relu;
  return layer;
}

LayerSpec max_pool_2x2(const std::string& name) {
  LayerSpec layer;
  layer.name = name;
  layer.type = LayerType::MaxPool;
  layer.pool = PoolGeometry{PoolKind::Max, 2, 2, 2, 2, 0, 0, false};
  return layer;
}

// Fills one conv layer's weight [K, C, kh, kw] and bias [K] per the recipe.
void generate_conv(const BuiltinVggRecipe& recipe, const LayerSpec& layer, uint32_t conv_index,
                   HostTensor& weight, HostTensor& bias) {
  const ConvGeometry& conv = layer.conv;
  const int64_t filter_size = int64_t(conv.in_channels) * conv.kernel_h * conv.kernel_w;
  const float std_dev = recipe.gain_of(layer.name) * std::sqrt(2.0f / float(filter_size));
  // Removing the mean of n normals leaves variance (n - 1) / n; this factor restores it.
  const double mean_removal_correction =
      filter_size > 1 ? std::sqrt(double(filter_size) / double(filter_size - 1)) : 1.0;
  const RandomStream stream{recipe.seed, 0, conv_index, RandomPurpose::ModelWeights};

  weight.shape = {conv.out_channels, conv.in_channels, conv.kernel_h, conv.kernel_w};
  weight.data.resize(size_t(conv.out_channels) * size_t(filter_size));
  float* data = weight.data.data();
#pragma omp parallel for schedule(static)
  for (int k = 0; k < conv.out_channels; ++k) {
    float* filter = data + int64_t(k) * filter_size;
    const uint64_t first = uint64_t(k) * uint64_t(filter_size);
    double sum = 0;
    float block_normals[4];
    uint64_t cached_block = ~uint64_t(0);
    for (int64_t i = 0; i < filter_size; ++i) {
      const uint64_t element = first + uint64_t(i);
      if (element >> 2 != cached_block) {
        cached_block = element >> 2;
        stream.normals4(uint32_t(cached_block), block_normals);
      }
      filter[i] = block_normals[element & 3];
      sum += filter[i];
    }
    const double mean = recipe.zero_mean_filters ? sum / double(filter_size) : 0.0;
    const double scale =
        double(std_dev) * (recipe.zero_mean_filters ? mean_removal_correction : 1.0);
    for (int64_t i = 0; i < filter_size; ++i) filter[i] = float((filter[i] - mean) * scale);
  }
  bias.shape = {conv.out_channels};
  bias.data.assign(size_t(conv.out_channels), recipe.bias_of(layer.name));
}

void check_table_names(const std::map<std::string, float>& table, const char* table_name,
                       const std::vector<LayerSpec>& layers) {
  for (const auto& [name, value] : table) {
    bool is_conv = false;
    for (const LayerSpec& layer : layers)
      is_conv = is_conv || (layer.name == name && layer.type == LayerType::Conv);
    NSRG_CHECK(is_conv, "BuiltinVggRecipe::", table_name, " names '", name,
               "', which is not a conv layer of VGG-19");
  }
}

}  // namespace

float BuiltinVggRecipe::gain_of(const std::string& layer) const {
  const auto found = gain.find(layer);
  return found == gain.end() ? default_gain : found->second;
}

float BuiltinVggRecipe::bias_of(const std::string& layer) const {
  const auto found = bias.find(layer);
  return found == bias.end() ? 0.0f : found->second;
}

std::vector<LayerSpec> vgg19_architecture() {
  const int block_channels[5] = {64, 128, 256, 512, 512};
  const int block_convs[5] = {2, 2, 4, 4, 4};
  std::vector<LayerSpec> layers;
  for (int block = 1; block <= 5; ++block) {
    for (int i = 1; i <= block_convs[block - 1]; ++i) {
      const std::string suffix = std::to_string(block) + "_" + std::to_string(i);
      layers.push_back(conv3x3("conv" + suffix, block_channels[block - 1]));
      layers.push_back(relu("relu" + suffix));
    }
    layers.push_back(max_pool_2x2("pool" + std::to_string(block)));
  }
  assign_input_channels(layers, 3);
  return layers;
}

std::string describe_builtin_vgg19(const BuiltinVggRecipe& recipe) {
  std::ostringstream text;
  text << kBuiltinVgg19Name
       << ": VGG-19 architecture with deterministic random weights (Philox4x32-10 seed 0x"
       << std::hex << recipe.seed << std::dec << "; He-normal std = gain * sqrt(2 / fan_in); "
       << (recipe.zero_mean_filters ? "zero-mean filters" : "filters not centred") << "; gain "
       << recipe.default_gain;
  for (const auto& [name, value] : recipe.gain) text << ", " << name << " " << value;
  text << "; bias 0";
  for (const auto& [name, value] : recipe.bias) text << ", " << name << " " << value;
  text << ")";
  return text.str();
}

Model make_builtin_vgg19(const BuiltinVggRecipe& recipe, const std::string& last_layer) {
  const std::vector<LayerSpec> all_layers = vgg19_architecture();
  check_table_names(recipe.gain, "gain", all_layers);
  check_table_names(recipe.bias, "bias", all_layers);

  Model model;
  model.layers = truncate_after(all_layers, last_layer, kBuiltinVgg19Name);
  model.preprocess.bgr = true;  // Caffe: bgr, 255, mean 103.939 116.779 123.68
  model.preprocess.scale = 255.0f;
  model.preprocess.mean = {103.939f, 116.779f, 123.68f};
  model.source = describe_builtin_vgg19(recipe);
  model.input_channels = 3;
  uint32_t conv_index = 0;
  for (const LayerSpec& layer : model.layers) {
    if (layer.type != LayerType::Conv) continue;
    generate_conv(recipe, layer, conv_index++, model.tensors[layer.name + ".weight"],
                  model.tensors[layer.name + ".bias"]);
  }
  return model;
}

}  // namespace nsrg
