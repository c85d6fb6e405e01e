// Conversion of the real Caffe files in ../shared/fixtures/caffe (written by Caffe itself):
// the layer facts of MANIFEST.md, bit-exact values against an independent wire reader, the
// two lenet formats, VDSR's denormals, and the nets that are not one sequential chain.
#include <gtest/gtest.h>

#include <cstring>

#include "conversion_check.h"
#include "engine/core/error.h"
#include "test_support.h"
#include "tools/convert_caffe/caffemodel_reader.h"
#include "tools/convert_caffe/prototxt_reader.h"

namespace nsrg::test {
namespace {

ConvertOptions options_for(const TempFolder& folder, const std::string& fixture,
                           bool keep_fc = true) {
  ConvertOptions options;
  options.caffemodel_path = caffe_fixture(fixture);
  options.output_path = folder.path(fixture + ".safetensors");
  options.keep_fully_connected = keep_fc;
  return options;
}

std::vector<int64_t> shape_of(const ConvertedFile& converted, const std::string& name) {
  const auto found = converted.file.tensors.find(name);
  if (found == converted.file.tensors.end()) return {};
  return found->second.shape;
}

TEST(RealCaffeFiles, Cifar10QuickLegacyV1) {
  NSRG_SKIP_WITHOUT_CAFFE_FIXTURES();
  TempFolder folder;
  const auto converted =
      convert_and_read(options_for(folder, "v1_cifar10_quick_iter_4000.caffemodel"));
  EXPECT_EQ(layer_names(converted.layers),
            (std::vector<std::string>{"conv1", "pool1", "relu1", "conv2", "relu2", "pool2", "conv3",
                                      "relu3", "pool3"}));
  EXPECT_EQ(shape_of(converted, "conv1.weight"), (std::vector<int64_t>{32, 3, 5, 5}));
  EXPECT_EQ(shape_of(converted, "conv2.weight"), (std::vector<int64_t>{32, 32, 5, 5}));
  EXPECT_EQ(shape_of(converted, "conv3.weight"), (std::vector<int64_t>{64, 32, 5, 5}));
  EXPECT_EQ(shape_of(converted, "ip1.weight"), (std::vector<int64_t>{64, 1024}));
  EXPECT_EQ(shape_of(converted, "ip2.weight"), (std::vector<int64_t>{10, 64}));
  EXPECT_EQ(shape_of(converted, "ip2.bias"), (std::vector<int64_t>{10}));
  EXPECT_EQ(converted.summary.parameter_count, 145578u);
  const LayerSpec& conv1 = converted.layers[0];
  EXPECT_EQ(conv1.conv.pad_h, 2);
  EXPECT_EQ(conv1.conv.pad_w, 2);
  EXPECT_EQ(conv1.conv.stride_h, 1);
  const LayerSpec& pool1 = converted.layers[1];
  EXPECT_EQ(pool1.type, LayerType::MaxPool);
  EXPECT_EQ(pool1.pool.kernel_h, 3);
  EXPECT_EQ(pool1.pool.stride_h, 2);
  EXPECT_TRUE(pool1.pool.ceil_mode);
  EXPECT_EQ(converted.layers[5].type, LayerType::AvgPool);
  EXPECT_EQ(expect_tensors_match_caffemodel(converted.file,
                                            caffe_fixture("v1_cifar10_quick_iter_4000.caffemodel")),
            10);
  // The engine's loader accepts it (extra fully-connected tensors are ignored).
  const Model model = load_model(converted.summary.output_path);
  EXPECT_EQ(model.layers.size(), 9u);
  EXPECT_EQ(model.tensors.at("conv3.weight").shape, (std::vector<int64_t>{64, 32, 5, 5}));
}

TEST(RealCaffeFiles, FullyConnectedLayersAreDroppedByDefault) {
  NSRG_SKIP_WITHOUT_CAFFE_FIXTURES();
  TempFolder folder;
  const auto converted =
      convert_and_read(options_for(folder, "v1_cifar10_quick_iter_4000.caffemodel", false));
  EXPECT_EQ(converted.file.tensors.size(), 6u);
  EXPECT_EQ(converted.file.tensors.count("ip1.weight"), 0u);
  EXPECT_EQ(converted.summary.fully_connected_dropped, (std::vector<std::string>{"ip1", "ip2"}));
  EXPECT_EQ(converted.summary.parameter_count, 145578u - 65600u - 650u);
  EXPECT_NE(converted.file.metadata.at("nsrg.source").find("dropped: ip1, ip2"), std::string::npos);
}

TEST(RealCaffeFiles, VdsrCurrentFormatKeepsDenormalsBitExact) {
  NSRG_SKIP_WITHOUT_CAFFE_FIXTURES();
  TempFolder folder;
  const auto converted = convert_and_read(options_for(folder, "new_VDSR_Adam.caffemodel"));
  ASSERT_EQ(converted.layers.size(), 39u);
  EXPECT_EQ(converted.summary.convolution_count, 20);
  EXPECT_EQ(converted.summary.relu_count, 19);
  EXPECT_EQ(converted.summary.parameter_count, 665921u);
  EXPECT_EQ(shape_of(converted, "conv1.weight"), (std::vector<int64_t>{64, 1, 3, 3}));
  for (int i = 2; i <= 19; ++i) {
    EXPECT_EQ(shape_of(converted, "conv" + std::to_string(i) + ".weight"),
              (std::vector<int64_t>{64, 64, 3, 3}));
  }
  EXPECT_EQ(shape_of(converted, "conv20.weight"), (std::vector<int64_t>{1, 64, 3, 3}));
  for (const auto& layer : converted.layers) {
    if (layer.type != LayerType::Conv) continue;
    EXPECT_EQ(layer.conv.pad_h, 1) << layer.name;
    EXPECT_EQ(layer.conv.pad_w, 1) << layer.name;
  }
  // Two denormal weights of conv1 (found with numpy when the test was written).
  const auto& conv1 = converted.file.tensors.at("conv1.weight").data;
  uint32_t bits470, bits542;
  std::memcpy(&bits470, &conv1[470], 4);
  std::memcpy(&bits542, &conv1[542], 4);
  EXPECT_EQ(bits470, 0x804977f4u);
  EXPECT_EQ(bits542, 0x002eaf58u);
  EXPECT_EQ(
      expect_tensors_match_caffemodel(converted.file, caffe_fixture("new_VDSR_Adam.caffemodel")),
      40);
}

// The two lenet files hold the same network (layers, shapes) in the two formats, but from two
// different training runs (their values differ): each must match its own file bit for bit.
TEST(RealCaffeFiles, LenetInBothFormatsGivesTheSameTensorsAndArchitecture) {
  NSRG_SKIP_WITHOUT_CAFFE_FIXTURES();
  TempFolder folder;
  const auto v1 = convert_and_read(options_for(folder, "v1_lenet_iter_10000.caffemodel"));
  const auto current = convert_and_read(options_for(folder, "new_lenet_iter_10000.caffemodel"));
  EXPECT_EQ(layer_names(v1.layers), (std::vector<std::string>{"conv1", "pool1", "conv2", "pool2"}));
  EXPECT_EQ(v1.file.metadata.at("nsrg.architecture"),
            current.file.metadata.at("nsrg.architecture"));
  EXPECT_EQ(shape_of(v1, "conv1.weight"), (std::vector<int64_t>{20, 1, 5, 5}));
  EXPECT_EQ(shape_of(v1, "conv2.weight"), (std::vector<int64_t>{50, 20, 5, 5}));
  EXPECT_EQ(shape_of(v1, "ip1.weight"), (std::vector<int64_t>{500, 800}));
  EXPECT_EQ(shape_of(v1, "ip2.weight"), (std::vector<int64_t>{10, 500}));
  EXPECT_EQ(v1.summary.parameter_count, 431080u);
  EXPECT_EQ(current.summary.parameter_count, 431080u);
  ASSERT_EQ(v1.file.tensors.size(), 8u);
  ASSERT_EQ(current.file.tensors.size(), 8u);
  for (const auto& [name, tensor] : v1.file.tensors) {
    ASSERT_EQ(current.file.tensors.count(name), 1u) << name;
    EXPECT_EQ(tensor.shape, current.file.tensors.at(name).shape) << name;
  }
  EXPECT_EQ(
      expect_tensors_match_caffemodel(v1.file, caffe_fixture("v1_lenet_iter_10000.caffemodel")), 8);
  EXPECT_EQ(expect_tensors_match_caffemodel(current.file,
                                            caffe_fixture("new_lenet_iter_10000.caffemodel")),
            8);
  EXPECT_NE(v1.file.metadata.at("nsrg.source").find("legacy V1"), std::string::npos);
  EXPECT_NE(current.file.metadata.at("nsrg.source").find("current"), std::string::npos);
}

TEST(RealCaffeFiles, TinyInputLayerNetAndSourceNote) {
  NSRG_SKIP_WITHOUT_CAFFE_FIXTURES();
  TempFolder folder;
  const auto converted = convert_and_read(options_for(folder, "new_tiny_mymodel.caffemodel"));
  EXPECT_EQ(layer_names(converted.layers), (std::vector<std::string>{"conv"}));
  EXPECT_EQ(shape_of(converted, "conv.weight"), (std::vector<int64_t>{3, 1, 5, 5}));
  EXPECT_EQ(converted.summary.parameter_count, 78u);
  EXPECT_EQ(
      expect_tensors_match_caffemodel(converted.file, caffe_fixture("new_tiny_mymodel.caffemodel")),
      2);
  const std::string& source = converted.file.metadata.at("nsrg.source");
  EXPECT_NE(source.find("new_tiny_mymodel.caffemodel (464 bytes, sha256 40c34d8044559fa2"),
            std::string::npos)
      << source;
  EXPECT_EQ(converted.file.metadata.at("nsrg.format"), "1");
  const Preprocess preprocess =
      parse_preprocess(converted.file.metadata.at("nsrg.preprocess"), "test");
  EXPECT_TRUE(preprocess.bgr);
  EXPECT_FLOAT_EQ(preprocess.scale, 255.0f);
  EXPECT_FLOAT_EQ(preprocess.mean[0], 103.939f);
  EXPECT_FLOAT_EQ(preprocess.mean[2], 123.68f);
}

TEST(RealCaffeFiles, SourceNotesCarryTheManifestHashes) {
  NSRG_SKIP_WITHOUT_CAFFE_FIXTURES();
  // sha256 prefixes from MANIFEST.md, computed there independently of our SHA-256.
  const std::vector<std::pair<std::string, std::string>> files = {
      {"v1_cifar10_quick_iter_4000.caffemodel", "14a5c975eb2e97e8"},
      {"v1_cifar10_full_iter_70000.caffemodel", "66fb3c17b97fc33c"},
      {"v1_lenet_iter_10000.caffemodel", "26860c66fcbf72d7"},
      {"new_lenet_iter_10000.caffemodel", "846f9133807d2314"},
      {"new_VDSR_Adam.caffemodel", "9199251105e65ccb"},
      {"new_tiny_mymodel.caffemodel", "40c34d8044559fa2"},
      {"extra_mtcnn_det1.caffemodel", "719f91c921ea17b9"},
  };
  for (const auto& [name, prefix] : files) {
    const CaffeNet net = read_caffemodel(caffe_fixture(name));
    EXPECT_EQ(net.sha256.substr(0, 16), prefix) << name;
    EXPECT_EQ(net.sha256.size(), 64u) << name;
  }
}

TEST(RealCaffeFiles, MtcnnPReLUBreaksTheChainAfterSkippingUnknownFields) {
  NSRG_SKIP_WITHOUT_CAFFE_FIXTURES();
  TempFolder folder;
  // The file (with its unknown field 23333 and a Python data layer) parses completely.
  const CaffeNet net = read_caffemodel(caffe_fixture("extra_mtcnn_det1.caffemodel"));
  ASSERT_FALSE(net.layers.empty());
  EXPECT_EQ(net.layers.front().type(), "Python");
  EXPECT_EQ(net.layers.back().name(), "loss");
  EXPECT_EQ(net.layers.back().type(), "JfdaLoss");

  ConvertOptions options = options_for(folder, "extra_mtcnn_det1.caffemodel");
  try {
    convert_caffe(options);
    FAIL() << "mtcnn converted although PReLU changes conv1's output";
  } catch (const UserError& error) {
    const std::string text = error.what();
    EXPECT_NE(text.find("extra_mtcnn_det1.caffemodel: layer 'prelu1' (PReLU)"), std::string::npos)
        << text;
    EXPECT_NE(text.find("--truncate"), std::string::npos) << text;
  }
  EXPECT_FALSE(file_exists(options.output_path));

  options.truncate_at_unsupported = true;
  const auto converted = convert_and_read(options);
  EXPECT_EQ(layer_names(converted.layers), (std::vector<std::string>{"conv1"}));
  EXPECT_EQ(shape_of(converted, "conv1.weight"), (std::vector<int64_t>{10, 3, 3, 3}));
  EXPECT_NE(converted.summary.cut_before.find("prelu1"), std::string::npos);
  EXPECT_NE(converted.file.metadata.at("nsrg.source").find("cut before layer 'prelu1'"),
            std::string::npos);
  EXPECT_EQ(expect_tensors_match_caffemodel(converted.file, options.caffemodel_path), 2);
  EXPECT_EQ(load_model(options.output_path).layers.size(), 1u);
}

TEST(RealCaffeFiles, Cifar10FullLrnBreaksTheChain) {
  NSRG_SKIP_WITHOUT_CAFFE_FIXTURES();
  TempFolder folder;
  ConvertOptions options = options_for(folder, "v1_cifar10_full_iter_70000.caffemodel");
  try {
    convert_caffe(options);
    FAIL() << "cifar10_full converted although LRN feeds conv2";
  } catch (const UserError& error) {
    EXPECT_NE(std::string(error.what()).find("layer 'norm1' (LRN)"), std::string::npos)
        << error.what();
  }
  options.truncate_at_unsupported = true;
  const auto converted = convert_and_read(options);
  EXPECT_EQ(layer_names(converted.layers), (std::vector<std::string>{"conv1", "pool1", "relu1"}));
  EXPECT_TRUE(converted.summary.fully_connected_kept.empty());
  EXPECT_EQ(expect_tensors_match_caffemodel(converted.file, options.caffemodel_path), 2);
}

TEST(RealCaffeFiles, EveryPrototxtParses) {
  NSRG_SKIP_WITHOUT_CAFFE_FIXTURES();
  const std::vector<std::pair<std::string, size_t>> files = {
      {"VGG_ILSVRC_19_layers_deploy.prototxt", 16 + 16 + 5 + 3 + 2 + 2 + 1},
      {"VGG_ILSVRC_19_layers_deploy.force_backward_variant.prototxt", 45},
      {"VGG_ILSVRC_16_layers_deploy.prototxt", 13 + 13 + 5 + 3 + 2 + 2 + 1},
      {"extra_mtcnn_det1.deploy.prototxt", 0},
      {"new_VDSR_net_deploy.prototxt", 0},
      {"new_lenet.deploy.prototxt", 0},
      {"new_tiny_conv.deploy.prototxt", 1},
      {"v1_cifar10_full.deploy.prototxt", 0},
      {"v1_cifar10_quick.deploy.prototxt", 0},
      {"v1_cifar10_quick_train_test.prototxt", 0},
      {"v1_lenet.deploy.prototxt", 0},
  };
  for (const auto& [name, layer_count] : files) {
    const CaffeNet definition = read_prototxt(caffe_fixture(name));
    EXPECT_FALSE(definition.layers.empty()) << name;
    if (layer_count != 0) {
      EXPECT_EQ(definition.layers.size(), layer_count) << name;
    }
  }
  const CaffeNet vgg = read_prototxt(caffe_fixture("VGG_ILSVRC_19_layers_deploy.prototxt"));
  EXPECT_EQ(vgg.format, CaffeFormat::LegacyV1);
  int convolutions = 0;
  for (const auto& layer : vgg.layers) {
    if (layer.type() != "Convolution") continue;
    ++convolutions;
    ASSERT_EQ(layer.convolution_param().pad_size(), 1) << layer.name();
    EXPECT_EQ(layer.convolution_param().pad(0), 1u) << layer.name();
  }
  EXPECT_EQ(convolutions, 16);
}

}  // namespace
}  // namespace nsrg::test
