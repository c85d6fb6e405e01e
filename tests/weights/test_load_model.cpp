// load_model of weights files: metadata, architecture, in_channels, tensor shapes, extra
// tensors, truncation, and the errors naming the file, key, tensor or layer.
#include <gtest/gtest.h>

#include <cmath>

#include "weights/builtin_vgg19.h"
#include "weights/model.h"
#include "weights_test_util.h"

namespace nsrg {
namespace {

using test::contains;
using test::TempDir;
using test::user_error_of;

// A small network: conv_a (3 -> 4, 3x3) relu_a pool conv_b (4 -> 2, 1x1) relu_b.
const char kArchitecture[] =
    R"([{"name":"conv_a","type":"conv","out":4,"kernel":[3,3],"stride":[1,1],"pad":[1,1]},)"
    R"({"name":"relu_a","type":"relu"},)"
    R"({"name":"pool","type":"avgpool","kernel":[2,2],"stride":[2,2],"pad":[0,0],"ceil":true},)"
    R"({"name":"conv_b","type":"conv","out":2,"kernel":[1,1],"stride":[1,1],"pad":[0,0]},)"
    R"({"name":"relu_b","type":"relu"}])";
const char kPreprocess[] = R"({"order":"rgb","scale":1.0,"mean":[0.5,0.25,0.125]})";

std::vector<float> ramp(size_t count, float start) {
  std::vector<float> values(count);
  for (size_t i = 0; i < count; ++i) values[i] = start + 0.01f * float(i);
  return values;
}

struct SmallModelFile {
  std::map<std::string, std::string> metadata = {{"nsrg.format", "1"},
                                                 {"nsrg.architecture", kArchitecture},
                                                 {"nsrg.preprocess", kPreprocess},
                                                 {"nsrg.source", "hand-made test model"}};
  std::vector<int64_t> conv_b_weight_shape = {2, 4, 1, 1};
  bool with_conv_b_bias = true;
  bool with_extra_tensor = true;
  float conv_a_first_weight = 0.0f;

  std::vector<float> conv_a_weight = ramp(4 * 3 * 3 * 3, 0.0f), conv_a_bias = ramp(4, 1.0f);
  std::vector<float> conv_b_weight = ramp(2 * 4, -1.0f), conv_b_bias = ramp(2, 2.0f);
  std::vector<float> fc6 = ramp(10, 5.0f);

  void write(const std::string& path) {
    conv_a_weight[0] = conv_a_first_weight;
    conv_b_weight.resize(size_t(conv_b_weight_shape[0] * conv_b_weight_shape[1]));
    std::vector<TensorView> tensors = {
        {"conv_a.weight", {4, 3, 3, 3}, conv_a_weight.data()},
        {"conv_a.bias", {4}, conv_a_bias.data()},
        {"conv_b.weight", conv_b_weight_shape, conv_b_weight.data()}};
    if (with_conv_b_bias) tensors.push_back({"conv_b.bias", {2}, conv_b_bias.data()});
    if (with_extra_tensor) tensors.push_back({"fc6.weight", {2, 5}, fc6.data()});
    write_safetensors(path, metadata, tensors);
  }
};

TEST(LoadModel, ReadsAWeightsFile) {
  TempDir dir;
  const std::string path = dir.file("small.safetensors");
  SmallModelFile file;
  file.write(path);

  const Model model = load_model(path);
  ASSERT_EQ(model.layers.size(), 5u);
  EXPECT_EQ(model.layer("conv_a").conv.in_channels, 3);
  EXPECT_EQ(model.layer("conv_a").conv.out_channels, 4);
  EXPECT_EQ(model.layer("conv_b").conv.in_channels, 4);
  EXPECT_EQ(model.layer("conv_b").conv.out_channels, 2);
  EXPECT_EQ(model.layer("pool").type, LayerType::AvgPool);
  EXPECT_TRUE(model.layer("pool").pool.ceil_mode);
  EXPECT_EQ(model.input_channels, 3);
  EXPECT_FALSE(model.preprocess.bgr);
  EXPECT_EQ(model.preprocess.mean[2], 0.125f);
  EXPECT_EQ(model.source, "hand-made test model");

  // Exactly the conv tensors are kept; fc6.weight is dropped.
  ASSERT_EQ(model.tensors.size(), 4u);
  EXPECT_EQ(model.tensors.count("fc6.weight"), 0u);
  EXPECT_EQ(model.tensors.at("conv_a.weight").shape, (std::vector<int64_t>{4, 3, 3, 3}));
  EXPECT_EQ(model.tensors.at("conv_a.weight").data, file.conv_a_weight);
  EXPECT_EQ(model.tensors.at("conv_a.bias").data, file.conv_a_bias);
  EXPECT_EQ(model.tensors.at("conv_b.weight").shape, (std::vector<int64_t>{2, 4, 1, 1}));
  EXPECT_EQ(model.tensors.at("conv_b.weight").data, file.conv_b_weight);
  EXPECT_EQ(model.tensors.at("conv_b.bias").data, file.conv_b_bias);
}

TEST(LoadModel, TruncatesAfterALayer) {
  TempDir dir;
  const std::string path = dir.file("small.safetensors");
  SmallModelFile file;
  file.conv_b_weight_shape = {2, 3, 1, 1};  // wrong, but after the kept layers
  file.write(path);

  const Model model = load_model(path, "pool");
  ASSERT_EQ(model.layers.size(), 3u);
  EXPECT_EQ(model.layers.back().name, "pool");
  EXPECT_FALSE(model.has_layer("conv_b"));
  EXPECT_TRUE(model.has_layer("relu_a"));
  EXPECT_EQ(model.tensors.size(), 2u);
  EXPECT_EQ(model.tensors.count("conv_a.weight"), 1u);

  const std::string message = user_error_of([&] { load_model(path, "relu9"); });
  EXPECT_TRUE(contains(message, path) && contains(message, "no layer 'relu9'")) << message;
  EXPECT_TRUE(contains(message, "conv_a relu_a pool conv_b relu_b")) << message;
}

TEST(LoadModel, NamesAShapeMismatch) {
  TempDir dir;
  const std::string path = dir.file("bad_shape.safetensors");
  SmallModelFile file;
  file.conv_b_weight_shape = {2, 3, 1, 1};
  file.write(path);
  const std::string message = user_error_of([&] { load_model(path); });
  EXPECT_TRUE(contains(message, path)) << message;
  EXPECT_TRUE(contains(message, "'conv_b.weight' has shape [2,3,1,1], expected [2,4,1,1]"))
      << message;
}

TEST(LoadModel, NamesAMissingTensor) {
  TempDir dir;
  const std::string path = dir.file("no_bias.safetensors");
  SmallModelFile file;
  file.with_conv_b_bias = false;
  file.write(path);
  const std::string message = user_error_of([&] { load_model(path); });
  EXPECT_TRUE(contains(message, path) && contains(message, "'conv_b.bias'") &&
              contains(message, "missing"))
      << message;
}

TEST(LoadModel, RejectsNonFiniteWeights) {
  TempDir dir;
  const std::string path = dir.file("nan.safetensors");
  SmallModelFile file;
  file.conv_a_first_weight = NAN;
  file.write(path);
  const std::string message = user_error_of([&] { load_model(path); });
  EXPECT_TRUE(contains(message, path) && contains(message, "'conv_a.weight'") &&
              contains(message, "non-finite"))
      << message;
}

TEST(LoadModel, NamesMissingMetadata) {
  for (const char* key : {"nsrg.format", "nsrg.architecture", "nsrg.preprocess"}) {
    SCOPED_TRACE(key);
    TempDir dir;
    const std::string path = dir.file("no_meta.safetensors");
    SmallModelFile file;
    file.metadata.erase(key);
    file.write(path);
    const std::string message = user_error_of([&] { load_model(path); });
    EXPECT_TRUE(contains(message, path) && contains(message, key) && contains(message, "missing"))
        << message;
  }
}

TEST(LoadModel, SourceIsOptionalAndFormatIsChecked) {
  TempDir dir;
  const std::string path = dir.file("meta.safetensors");
  SmallModelFile file;
  file.metadata.erase("nsrg.source");
  file.write(path);
  EXPECT_EQ(load_model(path).layers.size(), 5u);

  file.metadata["nsrg.format"] = "2";
  file.write(path);
  const std::string message = user_error_of([&] { load_model(path); });
  EXPECT_TRUE(contains(message, path) && contains(message, "nsrg.format")) << message;

  file.metadata["nsrg.format"] = "1";
  file.metadata["nsrg.architecture"] = "[]";
  file.write(path);
  const std::string empty = user_error_of([&] { load_model(path); });
  EXPECT_TRUE(contains(empty, path) && contains(empty, "nsrg.architecture has no layers")) << empty;
}

TEST(LoadModel, MissingFileAndUnknownBuiltin) {
  const std::string missing = user_error_of([] { load_model("/no/such/weights.safetensors"); });
  EXPECT_TRUE(contains(missing, "/no/such/weights.safetensors")) << missing;
  const std::string builtin = user_error_of([] { load_model("builtin:resnet50"); });
  EXPECT_TRUE(contains(builtin, "builtin:resnet50") && contains(builtin, "builtin:vgg19-random"))
      << builtin;
}

TEST(LoadModel, LayerLookup) {
  Model model;
  model.layers = vgg19_architecture();
  EXPECT_TRUE(model.has_layer("relu4_2"));
  EXPECT_FALSE(model.has_layer("relu6_1"));
  EXPECT_EQ(model.layer("conv4_2").conv.in_channels, 512);
  const std::string message = user_error_of([&] { model.layer("relu6_1"); });
  EXPECT_TRUE(contains(message, "no layer 'relu6_1'")) << message;
}

// The built-in model written by write_model loads back identical (a non-default std too).
TEST(LoadModel, BuiltinModelRoundTripsThroughAFile) {
  Model builtin = load_model(kBuiltinVgg19Name, "relu2_1");
  builtin.preprocess.std = {0.5f, 0.25f, 2.0f};
  std::vector<TensorView> views;
  for (const auto& [name, tensor] : builtin.tensors)
    views.push_back({name, tensor.shape, tensor.data.data()});
  TempDir dir;
  const std::string path = dir.file("vgg_part.safetensors");
  write_model(path, builtin.layers, builtin.preprocess, builtin.source, views);
  EXPECT_EQ(read_safetensors(path).metadata.at("nsrg.format"), "1");
  const Model loaded = load_model(path);
  EXPECT_EQ(loaded.preprocess.std, builtin.preprocess.std);
  ASSERT_EQ(loaded.layers.size(), builtin.layers.size());
  for (size_t i = 0; i < loaded.layers.size(); ++i) {
    EXPECT_EQ(loaded.layers[i].name, builtin.layers[i].name);
    EXPECT_EQ(loaded.layers[i].conv.in_channels, builtin.layers[i].conv.in_channels);
  }
  EXPECT_EQ(loaded.preprocess.mean, builtin.preprocess.mean);
  EXPECT_EQ(loaded.preprocess.scale, builtin.preprocess.scale);
  EXPECT_EQ(loaded.source, builtin.source);
  ASSERT_EQ(loaded.tensors.size(), builtin.tensors.size());
  for (const auto& [name, tensor] : builtin.tensors) {
    EXPECT_EQ(loaded.tensors.at(name).shape, tensor.shape) << name;
    EXPECT_EQ(loaded.tensors.at(name).data, tensor.data) << name;
  }
}

// write_model refuses tensors that do not fit the architecture (a writer's bug).
TEST(LoadModel, WriteModelChecksTheConvTensors) {
  const Model builtin = load_model(kBuiltinVgg19Name, "relu1_1");
  const HostTensor& weight = builtin.tensors.at("conv1_1.weight");
  TempDir dir;
  const std::string path = dir.file("bad.safetensors");
  EXPECT_THROW(write_model(path, builtin.layers, builtin.preprocess, "x",
                           {{"conv1_1.weight", weight.shape, weight.data.data()}}),
               InternalError);
  const HostTensor& bias = builtin.tensors.at("conv1_1.bias");
  EXPECT_THROW(write_model(path, builtin.layers, builtin.preprocess, "x",
                           {{"conv1_1.weight", weight.shape, weight.data.data()},
                            {"conv1_1.bias", {1}, bias.data.data()}}),
               InternalError);
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace nsrg
