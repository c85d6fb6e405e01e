// Synthetic networks written as real caffemodel files: VGG-19 in the legacy V1 format with
// the real names and shapes (converts, loads with the engine's loader), parameters completed
// from the VGG deploy prototxt, both formats, double data, and NIN.
#include <gtest/gtest.h>

#include <set>

#include "conversion_check.h"
#include "engine/core/error.h"
#include "synthetic_vgg19.h"
#include "test_support.h"
#include "tests/support/vgg19_layer_names.h"
#include "tools/convert_caffe/synthetic_caffemodel.h"

namespace nsrg::test {
namespace {

void expect_vgg_geometry(const std::vector<LayerSpec>& layers) {
  for (const auto& layer : layers) {
    if (layer.type == LayerType::Conv) {
      EXPECT_EQ(layer.conv.kernel_h, 3) << layer.name;
      EXPECT_EQ(layer.conv.pad_h, 1) << layer.name;
      EXPECT_EQ(layer.conv.pad_w, 1) << layer.name;
      EXPECT_EQ(layer.conv.stride_h, 1) << layer.name;
    } else if (layer.type != LayerType::Relu) {
      EXPECT_EQ(layer.type, LayerType::MaxPool) << layer.name;
      EXPECT_EQ(layer.pool.kernel_h, 2) << layer.name;
      EXPECT_EQ(layer.pool.stride_w, 2) << layer.name;
      EXPECT_TRUE(layer.pool.ceil_mode) << layer.name;
    }
  }
}

TEST(SyntheticNetworks, Vgg19LegacyV1ConvertsAndLoads) {
  TempFolder folder;
  const std::string weights = make_converted_synthetic_vgg19(folder.path(""));
  const Model model = load_model(weights);
  EXPECT_EQ(layer_names(model.layers), kVgg19Names);
  expect_vgg_geometry(model.layers);
  EXPECT_EQ(model.layer("conv1_1").conv.in_channels, 3);
  EXPECT_EQ(model.layer("conv5_4").conv.out_channels, 512);
  EXPECT_EQ(model.tensors.at("conv3_1.weight").shape, (std::vector<int64_t>{256, 128, 3, 3}));
  EXPECT_EQ(model.tensors.at("conv5_4.bias").shape, (std::vector<int64_t>{512}));
  EXPECT_TRUE(model.preprocess.bgr);
  EXPECT_FLOAT_EQ(model.preprocess.scale, 255.0f);
  EXPECT_NE(model.source.find("synthetic_vgg19.caffemodel"), std::string::npos);
  // Values are those the generator drew (layer 0 = conv1_1, layer 2 = conv1_2).
  const auto& conv1_1 = model.tensors.at("conv1_1.weight").data;
  EXPECT_EQ(conv1_1[0], synthetic_value(19, 0, 0, 0, 27));
  EXPECT_EQ(conv1_1[1727], synthetic_value(19, 0, 0, 1727, 27));
  EXPECT_EQ(model.tensors.at("conv1_2.bias").data[63], synthetic_value(19, 2, 1, 63, 1));
  // And bit for bit what an independent reader finds in the file.
  const SafetensorsFile file = read_safetensors(weights);
  EXPECT_EQ(expect_tensors_match_caffemodel(file, folder.path("synthetic_vgg19.caffemodel")), 32);
  uint64_t parameters = 0;
  for (const auto& [name, tensor] : file.tensors) parameters += tensor.data.size();
  EXPECT_EQ(parameters, 20024384u);
}

TEST(SyntheticNetworks, StrippedParametersComeFromThePrototxt) {
  NSRG_SKIP_WITHOUT_CAFFE_FIXTURES();
  TempFolder folder;
  SyntheticOptions synthetic;
  synthetic.strip_layer_params = true;
  write_synthetic_caffemodel(folder.path("stripped.caffemodel"), "VGG_ILSVRC_19_layers",
                             vgg19_layers(false), synthetic);
  ConvertOptions options;
  options.caffemodel_path = folder.path("stripped.caffemodel");
  options.output_path = folder.path("stripped.safetensors");
  // Without the definition the pooling kernel is unknown: a clear error.
  try {
    convert_caffe(options);
    FAIL() << "converted pooling layers without a kernel size";
  } catch (const UserError& error) {
    EXPECT_NE(std::string(error.what()).find("layer 'pool1' (Pooling)"), std::string::npos)
        << error.what();
    EXPECT_NE(std::string(error.what()).find("--prototxt"), std::string::npos);
  }
  options.prototxt_path = caffe_fixture("VGG_ILSVRC_19_layers_deploy.prototxt");
  const auto converted = convert_and_read(options);
  EXPECT_EQ(layer_names(converted.layers), kVgg19Names);
  expect_vgg_geometry(converted.layers);
  EXPECT_TRUE(converted.summary.warnings.empty());
  EXPECT_NE(converted.file.metadata.at("nsrg.source").find("VGG_ILSVRC_19_layers_deploy.prototxt"),
            std::string::npos);
}

TEST(SyntheticNetworks, MissingConvolutionParametersAreDefaultedWithAWarning) {
  TempFolder folder;
  std::vector<caffe::LayerParameter> layers = {
      make_convolution_layer("conv1", "data", "conv1", 4, 3, 3, 1, 1),
      make_relu_layer("relu1", "conv1")};
  layers[0].clear_convolution_param();
  write_synthetic_caffemodel(folder.path("bare.caffemodel"), "bare", layers, {});
  ConvertOptions options;
  options.caffemodel_path = folder.path("bare.caffemodel");
  options.output_path = folder.path("bare.safetensors");
  const auto converted = convert_and_read(options);
  ASSERT_EQ(converted.layers.size(), 2u);
  EXPECT_EQ(converted.layers[0].conv.kernel_h, 3);  // from the weights
  EXPECT_EQ(converted.layers[0].conv.pad_h, 0);     // Caffe's default
  ASSERT_EQ(converted.summary.warnings.size(), 1u);
  EXPECT_NE(converted.summary.warnings[0].find("conv1"), std::string::npos);
}

TEST(SyntheticNetworks, CurrentFormatAndDoubleDataGiveTheSameWeights) {
  TempFolder folder;
  const std::vector<caffe::LayerParameter> layers = {
      make_layer("data", "Data", {}, {"data", "label"}),
      make_convolution_layer("conv1", "data", "conv1", 16, 3, 5, 2, 2),
      make_relu_layer("relu1", "conv1"),
      make_pooling_layer("pool1", "conv1", "pool1", true, 3, 2),
      make_convolution_layer("conv2", "pool1", "conv2", 32, 16, 3, 1, 1),
      make_relu_layer("relu2", "conv2"),
      make_pooling_layer("pool2", "conv2", "pool2", false, 2, 2),
      make_inner_product_layer("fc", "pool2", "fc", 10, 32 * 4 * 4),
      make_layer("loss", "SoftmaxWithLoss", {"fc", "label"}, {"loss"})};
  SyntheticOptions v1_options;
  v1_options.seed = 16;
  SyntheticOptions double_options = v1_options;
  double_options.format = CaffeFormat::Current;
  double_options.double_data = true;
  write_synthetic_caffemodel(folder.path("v1.caffemodel"), "small", layers, v1_options);
  write_synthetic_caffemodel(folder.path("double.caffemodel"), "small", layers, double_options);
  ConvertOptions options;
  options.caffemodel_path = folder.path("v1.caffemodel");
  options.output_path = folder.path("v1.safetensors");
  const auto from_v1 = convert_and_read(options);
  options.caffemodel_path = folder.path("double.caffemodel");
  options.output_path = folder.path("double.safetensors");
  const auto from_double = convert_and_read(options);
  EXPECT_EQ(from_v1.summary.convolution_count, 2);
  EXPECT_EQ(from_v1.summary.pooling_count, 2);
  EXPECT_EQ(from_v1.file.metadata.at("nsrg.architecture"),
            from_double.file.metadata.at("nsrg.architecture"));
  ASSERT_EQ(from_v1.file.tensors.size(), 4u);
  for (const auto& [name, tensor] : from_v1.file.tensors) {
    EXPECT_EQ(tensor.shape, from_double.file.tensors.at(name).shape) << name;
    EXPECT_TRUE(tensor.data == from_double.file.tensors.at(name).data) << name;
  }
  EXPECT_EQ(expect_tensors_match_caffemodel(from_double.file, folder.path("double.caffemodel")), 4);
}

TEST(SyntheticNetworks, NetworkInNetworkImagenet) {
  TempFolder folder;
  write_synthetic_caffemodel(folder.path("nin.caffemodel"), "nin_imagenet", nin_imagenet_layers(),
                             {});
  ConvertOptions options;
  options.caffemodel_path = folder.path("nin.caffemodel");
  options.output_path = folder.path("nin.safetensors");
  const auto converted = convert_and_read(options);
  const Model model = load_model(options.output_path);
  for (const char* name : {"relu0", "relu3", "relu7", "relu12"}) {
    EXPECT_TRUE(model.has_layer(name)) << name;
  }
  const LayerSpec& conv1 = model.layer("conv1");
  EXPECT_EQ(conv1.conv.kernel_h, 11);
  EXPECT_EQ(conv1.conv.stride_h, 4);
  EXPECT_EQ(conv1.conv.stride_w, 4);
  EXPECT_EQ(conv1.conv.pad_h, 0);
  const LayerSpec& pool0 = model.layer("pool0");
  EXPECT_EQ(pool0.type, LayerType::MaxPool);
  EXPECT_EQ(pool0.pool.kernel_h, 3);
  EXPECT_EQ(pool0.pool.stride_h, 2);
  EXPECT_TRUE(pool0.pool.ceil_mode);
  // Caffe's ceil rounding, recorded and honoured: 54 -> 27 (floor would give 26).
  const Shape pooled = pool0.pool.output_shape({1, 96, 54, 54});
  EXPECT_EQ(pooled.h, 27);
  EXPECT_EQ(model.layer("pool4").type, LayerType::AvgPool);
  EXPECT_EQ(model.layers.back().name, "pool4");  // dropout passed through, accuracy/loss skipped
  EXPECT_EQ(converted.summary.convolution_count, 12);
}

TEST(SyntheticNetworks, KeepFullyConnectedWritesVggClassifier) {
  TempFolder folder;
  std::vector<caffe::LayerParameter> layers = {
      make_convolution_layer("conv1", "data", "conv1", 8, 3, 3, 1, 1),
      make_relu_layer("relu1", "conv1"),
      make_pooling_layer("pool1", "conv1", "pool1", true, 2, 2),
      make_inner_product_layer("fc6", "pool1", "fc6", 10, 8 * 4 * 4),
      make_relu_layer("relu6", "fc6"),
      make_layer("drop6", "Dropout", {"fc6"}, {"fc6"}),
      make_inner_product_layer("fc7", "fc6", "fc7", 5, 10),
      make_layer("prob", "Softmax", {"fc7"}, {"prob"})};
  write_synthetic_caffemodel(folder.path("small.caffemodel"), "small", layers, {});
  ConvertOptions options;
  options.caffemodel_path = folder.path("small.caffemodel");
  options.output_path = folder.path("small.safetensors");
  options.keep_fully_connected = true;
  const auto converted = convert_and_read(options);
  EXPECT_EQ(layer_names(converted.layers), (std::vector<std::string>{"conv1", "relu1", "pool1"}));
  EXPECT_EQ(converted.file.tensors.at("fc6.weight").shape, (std::vector<int64_t>{10, 128}));
  EXPECT_EQ(converted.file.tensors.at("fc7.bias").shape, (std::vector<int64_t>{5}));
  EXPECT_EQ(converted.file.tensors.at("fc7.weight").data[49], synthetic_value(1, 6, 0, 49, 10));
  EXPECT_EQ(converted.summary.parameter_count, 8u * 27 + 8 + 10 * 128 + 10 + 5 * 10 + 5);
}

}  // namespace
}  // namespace nsrg::test
