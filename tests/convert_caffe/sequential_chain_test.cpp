// The chain rules of build_sequential_network on in-memory networks: what is skipped, passed
// through or ends the chain, what breaks it (error naming the layer, or a cut with
// truncation), bias handling, channel checks and parameters from a definition.
#include <gtest/gtest.h>

#include "engine/core/error.h"
#include "tools/convert_caffe/sequential_network.h"
#include "tools/convert_caffe/synthetic_caffemodel.h"

namespace nsrg {
namespace {

// Gives every blob value i * 0.5 (the chain builder reads blob data, not files).
caffe::LayerParameter filled(caffe::LayerParameter layer) {
  for (auto& blob : *layer.mutable_blobs()) {
    int64_t count = 1;
    for (int64_t d : blob.shape().dim()) count *= d;
    for (int64_t i = 0; i < count; ++i) blob.add_data(float(i) * 0.5f);
  }
  return layer;
}

CaffeNet net_of(std::vector<caffe::LayerParameter> layers) {
  CaffeNet net;
  net.path = "net.caffemodel";
  for (auto& layer : layers) net.layers.push_back(filled(std::move(layer)));
  return net;
}

std::vector<std::string> names(const SequentialNetwork& network) {
  std::vector<std::string> result;
  for (const auto& layer : network.layers) result.push_back(layer.name);
  return result;
}

// The UserError text of building `net`, or "" when it builds.
std::string build_error(const CaffeNet& net, const ChainOptions& options = {}) {
  try {
    build_sequential_network(net, nullptr, options);
  } catch (const UserError& error) {
    return error.what();
  }
  return "";
}

caffe::LayerParameter conv(const std::string& name, const std::string& bottom,
                           const std::string& top, int out = 4, int in = 4) {
  return make_convolution_layer(name, bottom, top, out, in, 3, 1, 1);
}

TEST(SequentialChain, SkipsDataLossAndSideOutputsAndPassesSplitAndDropout) {
  const CaffeNet net = net_of({
      make_layer("data", "Data", {}, {"data", "label"}),
      make_layer("data_split", "Split", {"data"}, {"data_a", "data_b"}),
      conv("conv1", "data_a", "conv1", 4, 3),
      make_relu_layer("relu1", "conv1"),
      make_layer("conv1_split", "Split", {"conv1"}, {"conv1_a", "conv1_b"}),
      make_layer("probe", "Softmax", {"conv1_b"}, {"probe"}),  // a side output
      make_layer("drop1", "Dropout", {"conv1_a"}, {"dropped"}),
      make_pooling_layer("pool1", "dropped", "pool1", false, 2, 2),
      conv("conv2", "pool1", "conv2"),
      make_layer("loss", "EuclideanLoss", {"conv2", "label"}, {"loss"}),
  });
  const SequentialNetwork network = build_sequential_network(net, nullptr, {});
  EXPECT_EQ(names(network), (std::vector<std::string>{"conv1", "relu1", "pool1", "conv2"}));
  EXPECT_EQ(network.layers[2].type, LayerType::AvgPool);
  EXPECT_EQ(network.input_channels, 3);
  EXPECT_EQ(network.convolution_parameters, uint64_t(4 * 3 * 9 + 4 + 4 * 4 * 9 + 4));
  ASSERT_EQ(network.tensors.size(), 4u);
  EXPECT_EQ(network.tensors[0].name, "conv1.weight");
  EXPECT_EQ(network.tensors[0].data[5], 2.5f);
  EXPECT_EQ(network.tensors[3].name, "conv2.bias");
  EXPECT_EQ(network.tensors[3].shape, (std::vector<int64_t>{4}));
}

TEST(SequentialChain, InPlaceChangeOfTheChainOutputBreaksIt) {
  const CaffeNet net = net_of({
      conv("conv1", "data", "conv1", 4, 3),
      make_layer("bn1", "BatchNorm", {"conv1"}, {"conv1"}),
      make_relu_layer("relu1", "conv1"),
  });
  const std::string error = build_error(net);
  EXPECT_NE(error.find("net.caffemodel: layer 'bn1' (BatchNorm): changes 'conv1'"),
            std::string::npos)
      << error;
  ChainOptions truncate;
  truncate.truncate_at_unsupported = true;
  const SequentialNetwork cut = build_sequential_network(net, nullptr, truncate);
  EXPECT_EQ(names(cut), (std::vector<std::string>{"conv1"}));
  EXPECT_NE(cut.cut_before.find("layer 'bn1' (BatchNorm)"), std::string::npos);
}

TEST(SequentialChain, ForeignLayerFeedingTheChainBreaksIt) {
  const CaffeNet net = net_of({
      conv("conv1", "data", "conv1", 4, 3),
      make_layer("norm1", "LRN", {"conv1"}, {"norm1"}),
      conv("conv2", "norm1", "conv2"),
  });
  EXPECT_NE(build_error(net).find("layer 'norm1' (LRN): computes 'norm1', which 'conv2' reads"),
            std::string::npos)
      << build_error(net);
}

TEST(SequentialChain, ForeignLayerBeforeTheFirstConvolutionIsAnErrorEvenWhenTruncating) {
  const CaffeNet net = net_of({
      make_layer("scale", "Power", {"data"}, {"scaled"}),
      conv("conv1", "scaled", "conv1", 4, 3),
  });
  ChainOptions truncate;
  truncate.truncate_at_unsupported = true;
  const std::string error = build_error(net, truncate);
  EXPECT_NE(error.find("layer 'scale' (Power)"), std::string::npos) << error;
  EXPECT_NE(error.find("no convolution comes before it"), std::string::npos) << error;
}

TEST(SequentialChain, BranchesBreakIt) {
  const CaffeNet older_blob = net_of({
      conv("conv1", "data", "conv1", 4, 3),
      conv("conv2", "conv1", "conv2"),
      conv("conv3", "conv1", "conv3"),
  });
  EXPECT_NE(build_error(older_blob)
                .find("layer 'conv3' (Convolution): reads 'conv1', the output "
                      "of 'conv1', not of the previous layer 'conv2'"),
            std::string::npos)
      << build_error(older_blob);
  const CaffeNet input_again = net_of({
      conv("conv1", "data", "conv1", 4, 3),
      conv("conv2", "data", "conv2", 4, 3),
  });
  EXPECT_NE(build_error(input_again).find("layer 'conv2' (Convolution): reads the network input"),
            std::string::npos)
      << build_error(input_again);
  const CaffeNet two_inputs = net_of({
      conv("conv1", "data", "conv1", 4, 3),
      make_layer("pool", "Pooling", {"conv1", "data"}, {"pool"}),
  });
  EXPECT_NE(build_error(two_inputs).find("layer 'pool' (Pooling): has 2 inputs"),
            std::string::npos);
}

TEST(SequentialChain, UnsupportedVariantsAreErrorsNamingTheLayer) {
  auto grouped = conv("conv2", "conv1", "conv2");
  grouped.mutable_convolution_param()->set_group(2);
  auto dilated = conv("conv2", "conv1", "conv2");
  dilated.mutable_convolution_param()->add_dilation(2);
  auto leaky = make_relu_layer("relu2", "conv1");
  leaky.mutable_relu_param()->set_negative_slope(0.1f);
  auto global = make_pooling_layer("pool2", "conv1", "pool2", false, 2, 2);
  global.mutable_pooling_param()->set_global_pooling(true);
  auto stochastic = make_pooling_layer("pool2", "conv1", "pool2", true, 2, 2);
  stochastic.mutable_pooling_param()->set_pool(caffe::PoolingParameter::STOCHASTIC);
  const std::vector<std::pair<caffe::LayerParameter, std::string>> cases = {
      {grouped, "layer 'conv2' (Convolution): grouped convolution (group 2)"},
      {dilated, "layer 'conv2' (Convolution): dilated convolution (dilation 2)"},
      {leaky, "layer 'relu2' (ReLU): leaky ReLU"},
      {global, "layer 'pool2' (Pooling): global pooling"},
      {stochastic, "layer 'pool2' (Pooling): stochastic pooling"},
  };
  for (const auto& [layer, expected] : cases) {
    const CaffeNet net = net_of({conv("conv1", "data", "conv1", 4, 3), layer});
    EXPECT_NE(build_error(net).find(expected), std::string::npos) << build_error(net);
  }
}

TEST(SequentialChain, ClassifierEndsTheChain) {
  const CaffeNet net = net_of({
      conv("conv1", "data", "conv1", 4, 3),
      make_inner_product_layer("fc1", "conv1", "fc1", 2, 4 * 8 * 8),
      make_relu_layer("relu_fc1", "fc1"),  // on the classifier: not converted
      make_inner_product_layer("fc2", "fc1", "fc2", 3, 2),
  });
  const SequentialNetwork dropped = build_sequential_network(net, nullptr, {});
  EXPECT_EQ(names(dropped), (std::vector<std::string>{"conv1"}));
  EXPECT_EQ(dropped.fully_connected_dropped, (std::vector<std::string>{"fc1", "fc2"}));
  EXPECT_EQ(dropped.tensors.size(), 2u);
  ChainOptions keep;
  keep.keep_fully_connected = true;
  const SequentialNetwork kept = build_sequential_network(net, nullptr, keep);
  EXPECT_EQ(kept.tensors.size(), 6u);
  EXPECT_EQ(kept.tensors[2].name, "fc1.weight");
  EXPECT_EQ(kept.tensors[2].shape, (std::vector<int64_t>{2, 256}));
  EXPECT_EQ(kept.fully_connected_parameters, uint64_t(2 * 256 + 2 + 3 * 2 + 3));
}

TEST(SequentialChain, TransposedInnerProductIsWrittenOutByIn) {
  auto fc = make_inner_product_layer("fc1", "conv1", "fc1", 3, 2);
  fc.mutable_blobs(0)->mutable_shape()->set_dim(0, 2);  // stored [in, out]
  fc.mutable_blobs(0)->mutable_shape()->set_dim(1, 3);
  fc.mutable_inner_product_param()->set_transpose(true);
  const CaffeNet net = net_of({conv("conv1", "data", "conv1", 4, 3), fc});
  ChainOptions keep;
  keep.keep_fully_connected = true;
  const SequentialNetwork network = build_sequential_network(net, nullptr, keep);
  const NetworkTensor& weight = network.tensors[2];
  ASSERT_EQ(weight.shape, (std::vector<int64_t>{3, 2}));
  // stored[i][o] = (i * 3 + o) * 0.5; written[o][i] must equal it.
  for (int o = 0; o < 3; ++o) {
    for (int i = 0; i < 2; ++i) EXPECT_EQ(weight.data[o * 2 + i], float(i * 3 + o) * 0.5f);
  }
}

TEST(SequentialChain, MissingBiasBecomesZerosAndMismatchesAreErrors) {
  auto no_bias = conv("conv1", "data", "conv1", 4, 3);
  no_bias.mutable_blobs()->RemoveLast();
  no_bias.mutable_convolution_param()->set_bias_term(false);
  const SequentialNetwork network = build_sequential_network(net_of({no_bias}), nullptr, {});
  ASSERT_EQ(network.tensors.size(), 2u);
  EXPECT_EQ(network.tensors[1].shape, (std::vector<int64_t>{4}));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(network.tensors[1].data[i], 0.0f);

  auto missing = conv("conv1", "data", "conv1", 4, 3);
  missing.mutable_blobs()->RemoveLast();
  EXPECT_NE(build_error(net_of({missing})).find("bias_term is true but there is no bias blob"),
            std::string::npos);
  auto kernel = conv("conv1", "data", "conv1", 4, 3);
  kernel.mutable_convolution_param()->set_kernel_size(0, 5);
  EXPECT_NE(build_error(net_of({kernel})).find("kernel 5x5 does not match its weights [4,3,3,3]"),
            std::string::npos);
  auto outputs = conv("conv1", "data", "conv1", 4, 3);
  outputs.mutable_convolution_param()->set_num_output(8);
  EXPECT_NE(build_error(net_of({outputs})).find("num_output 8 does not match"), std::string::npos);
  auto no_weights = conv("conv1", "data", "conv1", 4, 3);
  no_weights.clear_blobs();
  EXPECT_NE(build_error(net_of({no_weights})).find("layer 'conv1' (Convolution): has no weights"),
            std::string::npos);
}

TEST(SequentialChain, ChannelMismatchIsAnError) {
  const CaffeNet net =
      net_of({conv("conv1", "data", "conv1", 4, 3), make_relu_layer("relu1", "conv1"),
              conv("conv2", "conv1", "conv2", 8, 6)});
  EXPECT_NE(build_error(net).find("expect 6 input channels but 'relu1' gives 4"), std::string::npos)
      << build_error(net);
}

TEST(SequentialChain, BlobWithWrongValueCountIsAnError) {
  CaffeNet net = net_of({conv("conv1", "data", "conv1", 4, 3)});
  net.layers[0].mutable_blobs(0)->mutable_data()->RemoveLast();
  EXPECT_NE(build_error(net).find("a blob of shape [4,3,3,3] needs 108 values but holds 107"),
            std::string::npos)
      << build_error(net);
}

TEST(SequentialChain, DefinitionSuppliesMissingParameters) {
  auto bare_conv = conv("conv1", "data", "conv1", 4, 3);
  bare_conv.clear_convolution_param();
  auto bare_pool = make_pooling_layer("pool1", "conv1", "pool1", true, 3, 2);
  bare_pool.clear_pooling_param();
  const CaffeNet net = net_of({bare_conv, bare_pool});

  CaffeNet definition;
  definition.layers = {conv("conv1", "data", "conv1", 4, 3),
                       make_pooling_layer("pool1", "conv1", "pool1", false, 3, 2)};
  definition.layers[0].mutable_convolution_param()->add_stride(2);
  const SequentialNetwork network = build_sequential_network(net, &definition, {});
  EXPECT_EQ(network.layers[0].conv.pad_h, 1);
  EXPECT_EQ(network.layers[0].conv.stride_w, 2);
  EXPECT_TRUE(network.convolutions_with_default_parameters.empty());
  EXPECT_EQ(network.layers[1].type, LayerType::AvgPool);
  EXPECT_EQ(network.layers[1].pool.kernel_w, 3);
  EXPECT_EQ(network.layers[1].pool.stride_h, 2);
  EXPECT_TRUE(network.layers[1].pool.ceil_mode);

  // Without the definition: the convolution takes Caffe's defaults (flagged), the pooling
  // layer has no kernel and is an error.
  EXPECT_NE(build_error(net).find("layer 'pool1' (Pooling): pooling layer without a kernel size"),
            std::string::npos);
}

TEST(SequentialChain, PoolingParameterDefaultsAndFloorRounding) {
  caffe::LayerParameter pool = make_layer("pool1", "Pooling", {"conv1"}, {"pool1"});
  pool.mutable_pooling_param()->add_kernel_size(3);  // pool MAX, stride 1, pad 0 by default
  caffe::LayerParameter floor_pool = make_layer("pool2", "Pooling", {"pool1"}, {"pool2"});
  floor_pool.mutable_pooling_param()->set_kernel_h(2);
  floor_pool.mutable_pooling_param()->set_kernel_w(3);
  floor_pool.mutable_pooling_param()->set_pad_h(1);
  floor_pool.mutable_pooling_param()->set_round_mode(caffe::PoolingParameter::FLOOR);
  const SequentialNetwork network = build_sequential_network(
      net_of({conv("conv1", "data", "conv1", 4, 3), pool, floor_pool}), nullptr, {});
  const PoolGeometry& first = network.layers[1].pool;
  EXPECT_EQ(network.layers[1].type, LayerType::MaxPool);
  EXPECT_EQ(first.kernel_h, 3);
  EXPECT_EQ(first.stride_h, 1);
  EXPECT_EQ(first.pad_w, 0);
  EXPECT_TRUE(first.ceil_mode);
  const PoolGeometry& second = network.layers[2].pool;
  EXPECT_EQ(second.kernel_h, 2);
  EXPECT_EQ(second.kernel_w, 3);
  EXPECT_EQ(second.pad_h, 1);
  EXPECT_EQ(second.pad_w, 0);
  EXPECT_FALSE(second.ceil_mode);
}

TEST(SequentialChain, DuplicateNamesAndNoConvolutionAreErrors) {
  const CaffeNet twice = net_of({conv("conv1", "data", "a", 4, 3), conv("conv1", "a", "b")});
  EXPECT_NE(build_error(twice).find("two layers of the chain are named 'conv1'"),
            std::string::npos);
  const CaffeNet none = net_of({make_layer("data", "Input", {}, {"data"}),
                                make_pooling_layer("pool1", "data", "pool1", true, 2, 2)});
  EXPECT_NE(build_error(none).find("net.caffemodel: no Convolution layer to convert"),
            std::string::npos);
}

}  // namespace
}  // namespace nsrg
