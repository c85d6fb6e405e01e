// The built-in random VGG-19: layer names and shapes, determinism, truncation, the weight
// statistics the recipe promises, and the Philox stream layout of its weights.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include "engine/core/philox.h"
#include "tests/support/vgg19_layer_names.h"
#include "weights/builtin_vgg19.h"
#include "weights/model.h"

namespace nsrg {
namespace {

using test::kVgg19Names;

// Layer names of the convs, their input and output channels.
struct ConvChannels {
  const char* name;
  int in, out;
};
const ConvChannels kConvChannels[] = {
    {"conv1_1", 3, 64},    {"conv1_2", 64, 64},   {"conv2_1", 64, 128},  {"conv2_2", 128, 128},
    {"conv3_1", 128, 256}, {"conv3_2", 256, 256}, {"conv3_3", 256, 256}, {"conv3_4", 256, 256},
    {"conv4_1", 256, 512}, {"conv4_2", 512, 512}, {"conv4_3", 512, 512}, {"conv4_4", 512, 512},
    {"conv5_1", 512, 512}, {"conv5_2", 512, 512}, {"conv5_3", 512, 512}, {"conv5_4", 512, 512}};

TEST(BuiltinVgg19, ArchitectureHasNeuralStyleNamesAndGeometry) {
  const std::vector<LayerSpec> layers = vgg19_architecture();
  ASSERT_EQ(layers.size(), kVgg19Names.size());
  int conv = 0;
  for (size_t i = 0; i < layers.size(); ++i) {
    SCOPED_TRACE(kVgg19Names[i]);
    EXPECT_EQ(layers[i].name, kVgg19Names[i]);
    const std::string prefix = kVgg19Names[i].substr(0, 4);
    if (prefix == "conv") {
      ASSERT_EQ(layers[i].type, LayerType::Conv);
      EXPECT_EQ(layers[i].conv.in_channels, kConvChannels[conv].in);
      EXPECT_EQ(layers[i].conv.out_channels, kConvChannels[conv].out);
      EXPECT_EQ(layers[i].conv.kernel_h, 3);
      EXPECT_EQ(layers[i].conv.kernel_w, 3);
      EXPECT_EQ(layers[i].conv.stride_h, 1);
      EXPECT_EQ(layers[i].conv.stride_w, 1);
      EXPECT_EQ(layers[i].conv.pad_h, 1);
      EXPECT_EQ(layers[i].conv.pad_w, 1);
      ++conv;
    } else if (prefix == "relu") {
      EXPECT_EQ(layers[i].type, LayerType::Relu);
    } else {
      ASSERT_EQ(layers[i].type, LayerType::MaxPool);
      EXPECT_EQ(layers[i].pool.kind, PoolKind::Max);
      EXPECT_EQ(layers[i].pool.kernel_h, 2);
      EXPECT_EQ(layers[i].pool.kernel_w, 2);
      EXPECT_EQ(layers[i].pool.stride_h, 2);
      EXPECT_EQ(layers[i].pool.stride_w, 2);
      EXPECT_EQ(layers[i].pool.pad_h, 0);
      EXPECT_FALSE(layers[i].pool.ceil_mode);
    }
  }
  EXPECT_EQ(conv, 16);
}

TEST(BuiltinVgg19, TruncationAfterRelu3_1KeepsTwelveLayersAndFiveConvs) {
  const Model model = load_model(kBuiltinVgg19Name, "relu3_1");
  ASSERT_EQ(model.layers.size(), 12u);
  EXPECT_EQ(model.layers.back().name, "relu3_1");
  EXPECT_EQ(model.tensors.size(), 10u);  // conv1_1 conv1_2 conv2_1 conv2_2 conv3_1
  EXPECT_EQ(model.tensors.at("conv3_1.weight").shape, (std::vector<int64_t>{256, 128, 3, 3}));
  EXPECT_EQ(model.tensors.count("conv3_2.weight"), 0u);
  EXPECT_TRUE(model.preprocess.bgr);
  EXPECT_EQ(model.preprocess.scale, 255.0f);
  EXPECT_EQ(model.preprocess.mean, (std::array<float, 3>{103.939f, 116.779f, 123.68f}));
  EXPECT_TRUE(model.source.find("builtin:vgg19-random") != std::string::npos) << model.source;
  EXPECT_TRUE(model.source.find("6e7372672d766767") != std::string::npos) << model.source;
}

TEST(BuiltinVgg19, IsDeterministicAndTruncationKeepsTheSameWeights) {
  const Model first = load_model(kBuiltinVgg19Name, "conv3_1");
  const Model second = load_model(kBuiltinVgg19Name, "conv3_1");
  const Model shorter = load_model(kBuiltinVgg19Name, "relu1_2");
  ASSERT_EQ(first.tensors.size(), 10u);
  for (const auto& [name, tensor] : first.tensors) {
    EXPECT_EQ(second.tensors.at(name).data, tensor.data) << name;
    if (shorter.tensors.count(name)) {
      EXPECT_EQ(shorter.tensors.at(name).data, tensor.data) << name;
    }
  }
  EXPECT_EQ(shorter.tensors.size(), 4u);

  BuiltinVggRecipe other_seed;
  other_seed.seed = 12345;
  const Model other = make_builtin_vgg19(other_seed, "conv1_1");
  EXPECT_NE(other.tensors.at("conv1_1.weight").data, first.tensors.at("conv1_1.weight").data);
}

// Every weight is the recipe's Philox normal, scaled (zero-mean filters off).
TEST(BuiltinVgg19, WeightsFollowThePhiloxStream) {
  BuiltinVggRecipe recipe;
  recipe.zero_mean_filters = false;
  recipe.seed = 99;
  recipe.gain.clear();
  recipe.default_gain = 1.5f;
  const Model model = make_builtin_vgg19(recipe, "conv2_1");
  int conv_index = 0;
  for (const char* name : {"conv1_1", "conv1_2", "conv2_1"}) {
    const HostTensor& weight = model.tensors.at(std::string(name) + ".weight");
    const int64_t fan_in = weight.shape[1] * 9;
    const double std_dev = 1.5f * std::sqrt(2.0f / float(fan_in));
    const RandomStream stream{99, 0, uint32_t(conv_index++), RandomPurpose::ModelWeights};
    for (size_t i = 0; i < weight.data.size(); ++i)
      ASSERT_EQ(weight.data[i], float(stream.normal(i) * std_dev)) << name << " " << i;
  }
}

TEST(BuiltinVgg19, WeightStatisticsMatchTheRecipe) {
  BuiltinVggRecipe recipe;
  recipe.zero_mean_filters = true;
  recipe.gain = {{"conv2_1", 2.0f}};
  recipe.bias = {{"conv1_2", 0.5f}};
  const Model model = make_builtin_vgg19(recipe, "relu3_2");
  for (const LayerSpec& layer : model.layers) {
    if (layer.type != LayerType::Conv) continue;
    SCOPED_TRACE(layer.name);
    const HostTensor& weight = model.tensors.at(layer.name + ".weight");
    const int64_t filter_size = weight.shape[1] * weight.shape[2] * weight.shape[3];
    const double expected_std = recipe.gain_of(layer.name) * std::sqrt(2.0 / double(filter_size));
    double sum_squares = 0, largest_filter_mean = 0;
    for (int64_t k = 0; k < weight.shape[0]; ++k) {
      double filter_sum = 0;
      for (int64_t i = 0; i < filter_size; ++i) {
        const double w = weight.data[size_t(k * filter_size + i)];
        filter_sum += w;
        sum_squares += w * w;
      }
      largest_filter_mean =
          std::max(largest_filter_mean, std::fabs(filter_sum / double(filter_size)));
    }
    EXPECT_LT(largest_filter_mean, 1e-6 * expected_std);  // zero-mean filters
    const double count = double(weight.data.size());
    const double std_dev = std::sqrt(sum_squares / count);
    // The sample std of n normals has a relative standard error of about 1 / sqrt(2n).
    EXPECT_NEAR(std_dev / expected_std, 1.0, 5.0 / std::sqrt(2.0 * count));
    const std::vector<float>& bias = model.tensors.at(layer.name + ".bias").data;
    ASSERT_EQ(bias.size(), size_t(weight.shape[0]));
    for (float b : bias) ASSERT_EQ(b, layer.name == "conv1_2" ? 0.5f : 0.0f);
  }
}

TEST(BuiltinVgg19, WholeModelLoads) {
  const auto start = std::chrono::steady_clock::now();
  const Model model = load_model(kBuiltinVgg19Name);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("built-in VGG-19 generated in %.3f s\n", seconds);
  ASSERT_EQ(model.layers.size(), 37u);
  ASSERT_EQ(model.tensors.size(), 32u);
  size_t parameters = 0;
  for (const auto& [name, tensor] : model.tensors) parameters += tensor.data.size();
  EXPECT_EQ(parameters, 20024384u);  // VGG-19's conv layers
  EXPECT_EQ(model.tensors.at("conv5_4.weight").shape, (std::vector<int64_t>{512, 512, 3, 3}));
  EXPECT_LT(seconds, 60.0);  // generous: the CI machine is shared
}

}  // namespace
}  // namespace nsrg
