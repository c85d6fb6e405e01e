// VGG recognition from names and shapes alone (state_dicts built in memory): every VGG in
// both namings, the Caffe layer names it maps to, --arch, and the errors listing what was
// seen; the preset chosen for each kind of file.
#include "tools/convert_torch/vgg_layout.h"

#include <gtest/gtest.h>

#include "tests/weights/weights_test_util.h"
#include "tools/convert_torch/preset.h"
#include "tools/convert_torch/synthetic_pth.h"

namespace nsrg {
namespace {

using test::contains;
using test::user_error_of;

// A state_dict of `tensors` (names and shapes; no data is read by recognition).
StateDict state_dict_of(const std::vector<SyntheticTensor>& tensors) {
  auto storage = std::make_shared<StorageRef>();
  storage->type = "FloatStorage";
  StateDict dict;
  for (const SyntheticTensor& tensor : tensors)
    dict.tensors.push_back({tensor.name, TensorRecord{storage, 0, tensor.shape, tensor.shape}});
  return dict;
}

// torchvision's tensors for a VGG with `blocks` convs per block; Caffe names when asked.
std::vector<SyntheticTensor> vgg_tensors(const std::vector<int>& blocks, bool caffe_names,
                                         bool classifier = true) {
  const int channels[5] = {64, 128, 256, 512, 512};
  std::vector<SyntheticTensor> tensors;
  int feature = 0, in = 3;
  for (int block = 0; block < 5; ++block) {
    for (int n = 1; n <= blocks[size_t(block)]; ++n) {
      const std::string prefix =
          caffe_names ? "conv" + std::to_string(block + 1) + "_" + std::to_string(n) + "."
                      : "features." + std::to_string(feature) + ".";
      tensors.push_back({prefix + "weight", {channels[block], in, 3, 3}});
      tensors.push_back({prefix + "bias", {channels[block]}});
      in = channels[block];
      feature += 2;
    }
    feature += 1;
  }
  if (classifier) {
    tensors.push_back({caffe_names ? "fc6.weight" : "classifier.0.weight", {4096, 25088}});
    tensors.push_back({caffe_names ? "fc6.bias" : "classifier.0.bias", {4096}});
  }
  return tensors;
}

TEST(VggLayout, RecognizesEveryVggInBothNamings) {
  const std::pair<const char*, std::vector<int>> vggs[] = {{"vgg11", {1, 1, 2, 2, 2}},
                                                           {"vgg13", {2, 2, 2, 2, 2}},
                                                           {"vgg16", {2, 2, 3, 3, 3}},
                                                           {"vgg19", {2, 2, 4, 4, 4}}};
  for (const auto& [arch, blocks] : vggs) {
    for (bool caffe_names : {false, true}) {
      SCOPED_TRACE(std::string(arch) + (caffe_names ? " caffe" : " torchvision"));
      const StateDict dict = state_dict_of(vgg_tensors(blocks, caffe_names));
      const VggLayout layout = recognize_vgg("m.pth", dict, "");
      EXPECT_EQ(layout.arch, arch);
      EXPECT_EQ(layout.naming, caffe_names ? "caffe" : "features.N");
      int convs = 0;
      for (int n : blocks) convs += n;
      EXPECT_EQ(layout.layers.size(), size_t(2 * convs + 5));
      EXPECT_EQ(layout.tensors.size(), size_t(2 * convs));
      EXPECT_EQ(layout.layers.front().name, "conv1_1");
      EXPECT_EQ(layout.layers[1].name, "relu1_1");
      EXPECT_EQ(layout.layers.back().name, "pool5");
      EXPECT_EQ(layout.dropped.size(), 2u);
      EXPECT_EQ(recognize_vgg("m.pth", dict, arch).arch, arch);
    }
  }
}

TEST(VggLayout, MapsTorchvisionIndicesToCaffeNames) {
  const StateDict dict = state_dict_of(torchvision_vgg19_tensors(true));
  const VggLayout layout = recognize_vgg("m.pth", dict, "");
  std::map<std::string, std::string> source;
  for (const auto& [ours, tensor] : layout.tensors) source[ours] = tensor->name;
  EXPECT_EQ(source.at("conv1_1.weight"), "features.0.weight");
  EXPECT_EQ(source.at("conv2_1.bias"), "features.5.bias");
  EXPECT_EQ(source.at("conv4_2.weight"), "features.21.weight");
  EXPECT_EQ(source.at("conv5_4.weight"), "features.34.weight");
  EXPECT_EQ(layout.layers[4].name, "pool1");
  EXPECT_EQ(layout.layers[4].type, LayerType::MaxPool);
  EXPECT_FALSE(layout.layers[4].pool.ceil_mode);
  EXPECT_EQ(layout.dropped.size(), 6u);
  EXPECT_FALSE(layout.caffe_classifier_names);
}

TEST(VggLayout, ExplainsWhatDoesNotFit) {
  std::vector<SyntheticTensor> tensors = torchvision_vgg19_tensors(false);
  tensors[2].shape = {64, 32, 3, 3};  // features.2.weight
  const std::string error =
      user_error_of([&] { recognize_vgg("m.pth", state_dict_of(tensors), ""); });
  EXPECT_TRUE(contains(error, "m.pth: not a VGG-11/13/16/19 state_dict without batch norm"))
      << error;
  EXPECT_TRUE(contains(error, "features.0 [64,3,3,3], features.2 [64,32,3,3], features.5"))
      << error;
  const std::string with_arch =
      user_error_of([&] { recognize_vgg("m.pth", state_dict_of(tensors), "vgg19"); });
  EXPECT_TRUE(contains(with_arch,
                       "not VGG-19 (--arch vgg19): features.2.weight has shape "
                       "[64,32,3,3], VGG-19's conv1_2 has [64,64,3,3]"))
      << with_arch;
  const std::string vgg16 = user_error_of(
      [&] { recognize_vgg("m.pth", state_dict_of(torchvision_vgg19_tensors(false)), "vgg16"); });
  EXPECT_TRUE(contains(vgg16, "not VGG-16 (--arch vgg16)")) << vgg16;
}

TEST(VggLayout, RefusesBatchNormAndForeignTensors) {
  std::vector<SyntheticTensor> tensors = torchvision_vgg19_tensors(false);
  tensors.push_back({"features.1.running_mean", {64}});
  EXPECT_TRUE(contains(user_error_of([&] { recognize_vgg("m.pth", state_dict_of(tensors), ""); }),
                       "batch normalization; VGG with batch norm (vgg*_bn) does not convert"));
  tensors.pop_back();
  tensors.push_back({"decoder.weight", {3, 3}});
  const std::string error =
      user_error_of([&] { recognize_vgg("m.pth", state_dict_of(tensors), ""); });
  EXPECT_TRUE(contains(error, "tensor decoder.weight [3,3] is not part of a VGG network")) << error;
  std::vector<SyntheticTensor> mixed = torchvision_vgg19_tensors(false);
  mixed.push_back({"conv1_1.weight", {64, 3, 3, 3}});
  EXPECT_TRUE(contains(user_error_of([&] { recognize_vgg("m.pth", state_dict_of(mixed), ""); }),
                       "mixes torchvision names"));
}

TEST(VggLayout, DataParallelPrefixAndJcjohnsonClassifierNames) {
  std::vector<SyntheticTensor> tensors = torchvision_vgg19_tensors(false);
  for (SyntheticTensor& tensor : tensors) tensor.name = "module." + tensor.name;
  EXPECT_EQ(recognize_vgg("m.pth", state_dict_of(tensors), "").arch, "vgg19");
  std::vector<SyntheticTensor> jcjohnson = torchvision_vgg19_tensors(false);
  jcjohnson.push_back({"classifier.1.weight", {4096, 25088}});
  jcjohnson.push_back({"classifier.4.weight", {4096, 4096}});
  EXPECT_TRUE(recognize_vgg("m.pth", state_dict_of(jcjohnson), "").caffe_classifier_names);
}

TEST(Preset, DetectedFromHashNameOrNamesElseRequired) {
  const StateDict dict = state_dict_of(torchvision_vgg19_tensors(true));
  const VggLayout layout = recognize_vgg("m.pth", dict, "");
  const std::string no_hash(64, '0');

  const PresetChoice by_hash = choose_preset("", "x.pth", "dcbb9e9d" + no_hash.substr(8), layout);
  EXPECT_EQ(by_hash.name, "torchvision");
  EXPECT_FALSE(by_hash.preprocess.bgr);
  EXPECT_EQ(by_hash.preprocess.scale, 1.0f);
  EXPECT_EQ(by_hash.preprocess.std, (std::array<float, 3>{0.229f, 0.224f, 0.225f}));
  EXPECT_TRUE(contains(by_hash.reason, "SHA-256 prefix dcbb9e9d")) << by_hash.reason;

  const PresetChoice by_name = choose_preset("", "models/vgg19-d01eb7cb.pth", no_hash, layout);
  EXPECT_EQ(by_name.name, "caffe");
  EXPECT_TRUE(by_name.preprocess.bgr);
  EXPECT_EQ(by_name.preprocess.scale, 255.0f);
  EXPECT_EQ(by_name.preprocess.mean, (std::array<float, 3>{103.939f, 116.779f, 123.68f}));
  EXPECT_EQ(by_name.preprocess.std, (std::array<float, 3>{1.0f, 1.0f, 1.0f}));
  EXPECT_EQ(choose_preset("", "vgg16-397923af.pth", no_hash, layout).name, "torchvision");

  EXPECT_EQ(choose_preset("caffe", "vgg19-dcbb9e9d.pth", no_hash, layout).name, "caffe");
  const std::string error = user_error_of([&] { choose_preset("", "x.pth", no_hash, layout); });
  EXPECT_TRUE(contains(error, "x.pth: cannot tell whose VGG weights these are")) << error;
  EXPECT_TRUE(contains(error, "--preset torchvision or --preset caffe")) << error;

  std::vector<SyntheticTensor> caffe = vgg_tensors({2, 2, 4, 4, 4}, true);
  EXPECT_EQ(
      choose_preset("", "x.pth", no_hash, recognize_vgg("x.pth", state_dict_of(caffe), "")).name,
      "caffe");
}

}  // namespace
}  // namespace nsrg
