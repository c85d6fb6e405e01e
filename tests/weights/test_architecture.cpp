// nsrg.architecture and nsrg.preprocess JSON: the exact written form, round trips, and every
// validation error naming the origin and the layer.
#include <gtest/gtest.h>

#include "weights/builtin_vgg19.h"
#include "weights/model.h"
#include "weights_test_util.h"

namespace nsrg {
namespace {

using test::contains;
using test::user_error_of;

const char kOrigin[] = "models/vgg.safetensors";

void expect_same_layers(const std::vector<LayerSpec>& a, const std::vector<LayerSpec>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    SCOPED_TRACE(a[i].name);
    EXPECT_EQ(a[i].name, b[i].name);
    EXPECT_EQ(a[i].type, b[i].type);
    if (a[i].type == LayerType::Conv) {
      EXPECT_EQ(a[i].conv.out_channels, b[i].conv.out_channels);
      EXPECT_EQ(a[i].conv.kernel_h, b[i].conv.kernel_h);
      EXPECT_EQ(a[i].conv.kernel_w, b[i].conv.kernel_w);
      EXPECT_EQ(a[i].conv.stride_h, b[i].conv.stride_h);
      EXPECT_EQ(a[i].conv.stride_w, b[i].conv.stride_w);
      EXPECT_EQ(a[i].conv.pad_h, b[i].conv.pad_h);
      EXPECT_EQ(a[i].conv.pad_w, b[i].conv.pad_w);
    }
    if (a[i].type == LayerType::MaxPool || a[i].type == LayerType::AvgPool) {
      EXPECT_EQ(a[i].pool.kind, b[i].pool.kind);
      EXPECT_EQ(a[i].pool.kernel_h, b[i].pool.kernel_h);
      EXPECT_EQ(a[i].pool.kernel_w, b[i].pool.kernel_w);
      EXPECT_EQ(a[i].pool.stride_h, b[i].pool.stride_h);
      EXPECT_EQ(a[i].pool.stride_w, b[i].pool.stride_w);
      EXPECT_EQ(a[i].pool.pad_h, b[i].pool.pad_h);
      EXPECT_EQ(a[i].pool.pad_w, b[i].pool.pad_w);
      EXPECT_EQ(a[i].pool.ceil_mode, b[i].pool.ceil_mode);
    }
  }
}

TEST(Architecture, WritesTheDesignForm) {
  const std::string json =
      R"([{"name":"conv1_1","type":"conv","out":64,"kernel":[3,3],"stride":[1,1],"pad":[1,1]},)"
      R"({"name":"relu1_1","type":"relu"},)"
      R"({"name":"pool1","type":"maxpool","kernel":[2,2],"stride":[2,2],"pad":[0,0],"ceil":false}])";
  const std::vector<LayerSpec> layers = parse_architecture(json, kOrigin);
  ASSERT_EQ(layers.size(), 3u);
  EXPECT_EQ(layers[0].type, LayerType::Conv);
  EXPECT_EQ(layers[0].conv.out_channels, 64);
  EXPECT_EQ(layers[0].conv.in_channels, 0);  // filled in later from the chain
  EXPECT_EQ(layers[1].type, LayerType::Relu);
  EXPECT_EQ(layers[2].type, LayerType::MaxPool);
  EXPECT_EQ(layers[2].pool.kind, PoolKind::Max);
  EXPECT_EQ(architecture_to_json(layers), json);
}

TEST(Architecture, RoundTripsVgg19AndUnusualGeometry) {
  std::vector<LayerSpec> layers = vgg19_architecture();
  expect_same_layers(parse_architecture(architecture_to_json(layers), kOrigin), layers);

  const std::string odd =
      R"([{"name":"c","type":"conv","out":7,"kernel":[5,3],"stride":[2,1],"pad":[2,0]},)"
      R"({"name":"avg","type":"avgpool","kernel":[3,2],"stride":[2,1],"pad":[1,0],"ceil":true}])";
  const std::vector<LayerSpec> parsed = parse_architecture(odd, kOrigin);
  EXPECT_EQ(parsed[0].conv.kernel_h, 5);
  EXPECT_EQ(parsed[0].conv.kernel_w, 3);
  EXPECT_EQ(parsed[0].conv.stride_h, 2);
  EXPECT_EQ(parsed[0].conv.pad_h, 2);
  EXPECT_EQ(parsed[0].conv.pad_w, 0);
  EXPECT_EQ(parsed[1].type, LayerType::AvgPool);
  EXPECT_EQ(parsed[1].pool.kind, PoolKind::Average);
  EXPECT_TRUE(parsed[1].pool.ceil_mode);
  EXPECT_EQ(parsed[1].pool.pad_h, 1);
  EXPECT_EQ(architecture_to_json(parsed), odd);
}

struct BadArchitecture {
  const char* json;
  const char* expected;  // part of the message
};

TEST(Architecture, RejectsEachInvalidForm) {
  const std::string conv_tail = R"("kernel":[3,3],"stride":[1,1],"pad":[1,1]})";
  const BadArchitecture cases[] = {
      {"[{", "not valid JSON"},
      {R"({"name":"x"})", "not a JSON array"},
      {"[]", "has no layers"},
      {"[3]", "layer 0 is not a JSON object"},
      {R"([{"type":"relu"}])", "layer 0 has no non-empty 'name'"},
      {R"([{"name":"","type":"relu"}])", "no non-empty 'name'"},
      {R"([{"name":7,"type":"relu"}])", "no non-empty 'name'"},
      {R"([{"name":"r","type":"relu"},{"name":"r","type":"relu"}])", "'r' is used twice"},
      {R"([{"name":"r"}])", "layer 0 (r) has no 'type'"},
      {R"([{"name":"fc6","type":"linear"}])", "(fc6) has an unknown type \"linear\""},
      {R"([{"name":"r","type":3}])", "unknown type 3"},
      {R"([{"name":"r","type":"relu","inplace":true}])", "(r) has an unknown key 'inplace'"},
      {R"([{"name":"c","type":"conv","kernel":[3,3],"stride":[1,1],"pad":[1,1]}])",
       "(c) has no 'out'"},
      {R"([{"name":"c","type":"conv","out":0,"kernel":[3,3],"stride":[1,1],"pad":[1,1]}])",
       "(c) 'out' must hold integers in [1,"},
      {R"([{"name":"c","type":"conv","out":2.5,"kernel":[3,3],"stride":[1,1],"pad":[1,1]}])",
       "'out' must hold integers"},
      {R"([{"name":"c","type":"conv","out":4,"kernel":[0,3],"stride":[1,1],"pad":[0,0]}])",
       "(c) 'kernel' must hold integers in [1,"},
      {R"([{"name":"c","type":"conv","out":4,"kernel":[3],"stride":[1,1],"pad":[1,1]}])",
       "(c) 'kernel' must be an array [h, w]"},
      {R"([{"name":"c","type":"conv","out":4,"kernel":[3,3],"stride":[1,0],"pad":[1,1]}])",
       "(c) 'stride' must hold integers in [1,"},
      {R"([{"name":"c","type":"conv","out":4,"kernel":[3,3],"stride":[1,1],"pad":[-1,1]}])",
       "(c) 'pad' must hold integers in [0,"},
      {R"([{"name":"c","type":"conv","out":4,"kernel":[3,3],"stride":[1,1],"pad":[1,3]}])",
       "(c) 'pad' [1,3] must be smaller than 'kernel' [3,3]"},
      {R"([{"name":"c","type":"conv","out":4,"kernel":[3,3],"stride":[1,1]}])", "(c) has no 'pad'"},
      {R"([{"name":"p","type":"maxpool","kernel":[2,2],"stride":[2,2],"pad":[0,0]}])",
       "(p) has no 'ceil'"},
      {R"([{"name":"p","type":"avgpool","kernel":[2,2],"stride":[2,2],"pad":[0,0],"ceil":0}])",
       "(p) 'ceil' must be true or false"},
      {R"([{"name":"p","type":"maxpool","kernel":[2,2],"stride":[2,2],"pad":[2,0],"ceil":false}])",
       "(p) 'pad' [2,0] must be smaller than 'kernel' [2,2]"},
      {R"([{"name":"p","type":"maxpool","kernel":[2,2],"stride":[2,2],"pad":[0,0],"ceil":false,"out":3}])",
       "(p) has an unknown key 'out'"},
  };
  for (const BadArchitecture& bad : cases) {
    SCOPED_TRACE(bad.json);
    const std::string message = user_error_of([&] { parse_architecture(bad.json, kOrigin); });
    EXPECT_TRUE(contains(message, std::string(kOrigin) + ": nsrg.architecture")) << message;
    EXPECT_TRUE(contains(message, bad.expected)) << message;
  }
}

TEST(Preprocess, WritesAndRoundTrips) {
  const Preprocess caffe;
  const std::string json = preprocess_to_json(caffe);
  EXPECT_EQ(json, R"({"order":"bgr","scale":255.0,"mean":[103.939,116.779,123.68]})");
  const Preprocess parsed = parse_preprocess(json, kOrigin);
  EXPECT_TRUE(parsed.bgr);
  EXPECT_EQ(parsed.scale, 255.0f);
  EXPECT_EQ(parsed.mean, caffe.mean);

  const Preprocess rgb =
      parse_preprocess(R"({"order":"rgb","scale":1,"mean":[0.485,0.456,0.406]})", kOrigin);
  EXPECT_FALSE(rgb.bgr);
  EXPECT_EQ(rgb.scale, 1.0f);
  EXPECT_EQ(rgb.mean[1], 0.456f);
  EXPECT_EQ(parse_preprocess(preprocess_to_json(rgb), kOrigin).mean, rgb.mean);
  // Files without 'std' (all written before it existed) divide by 1.
  EXPECT_EQ(rgb.std, (std::array<float, 3>{1.0f, 1.0f, 1.0f}));
}

TEST(Preprocess, StdIsOptionalAndRoundTrips) {
  const Preprocess torchvision = parse_preprocess(
      R"({"order":"rgb","scale":1,"mean":[0.485,0.456,0.406],"std":[0.229,0.224,0.225]})",
      kOrigin);
  EXPECT_EQ(torchvision.std, (std::array<float, 3>{0.229f, 0.224f, 0.225f}));
  const std::string json = preprocess_to_json(torchvision);
  EXPECT_EQ(json,
            R"({"order":"rgb","scale":1.0,"mean":[0.485,0.456,0.406],"std":[0.229,0.224,0.225]})");
  EXPECT_EQ(parse_preprocess(json, kOrigin).std, torchvision.std);
  // The default std is not written: Caffe-style files keep their form.
  EXPECT_EQ(preprocess_to_json(Preprocess{}).find("std"), std::string::npos);
}

TEST(Preprocess, RejectsEachInvalidForm) {
  const BadArchitecture cases[] = {
      {"{", "not valid JSON"},
      {"[1]", "not a JSON object"},
      {R"({"order":"bgr","scale":255})", "needs 'order', 'scale' and 'mean'"},
      {R"({"order":"gbr","scale":255,"mean":[1,2,3]})", "'order' must be \"bgr\" or \"rgb\""},
      {R"({"order":"bgr","scale":0,"mean":[1,2,3]})", "'scale' must be positive"},
      {R"({"order":"bgr","scale":"255","mean":[1,2,3]})", "'scale' must be a finite number"},
      {R"({"order":"bgr","scale":255,"mean":[1,2]})", "'mean' must be an array of 3 numbers"},
      {R"({"order":"bgr","scale":255,"mean":[1,2,"x"]})", "'mean' must be a finite number"},
      {R"({"order":"bgr","scale":255,"mean":[1,2,1e300]})", "'mean' must be a finite number"},
      {R"({"order":"bgr","scale":255,"mean":[1,2,3],"stdev":[1,1,1]})", "unknown key 'stdev'"},
      {R"({"order":"bgr","scale":255,"mean":[1,2,3],"std":[1,1]})",
       "'std' must be an array of 3 numbers"},
      {R"({"order":"bgr","scale":255,"mean":[1,2,3],"std":[1,0,1]})", "'std' values must be positive"},
      {R"({"order":"bgr","scale":255,"mean":[1,2,3],"std":[1,-1,1]})", "'std' values must be positive"},
      {R"({"order":"bgr","scale":255,"mean":[1,2,3],"std":[1,"1",1]})", "'std' must be a finite number"},
  };
  for (const BadArchitecture& bad : cases) {
    SCOPED_TRACE(bad.json);
    const std::string message = user_error_of([&] { parse_preprocess(bad.json, kOrigin); });
    EXPECT_TRUE(contains(message, std::string(kOrigin) + ": nsrg.preprocess")) << message;
    EXPECT_TRUE(contains(message, bad.expected)) << message;
  }
}

// Issue 10: a deeply nested value used to overflow the stack (dump() for the message) and
// was pasted whole into the message below that depth.
TEST(Architecture, DeepNestingIsRejectedWithAShortMessage) {
  for (const size_t depth : {size_t(9), size_t(100000)}) {
    SCOPED_TRACE(depth);
    const std::string type = std::string(depth, '[') + std::string(depth, ']');
    const std::string text = "[{\"name\":\"a\",\"type\":" + type + "}]";
    const std::string error = user_error_of([&] { parse_architecture(text, kOrigin); });
    EXPECT_TRUE(contains(error, "nests deeper than 8 levels")) << error;
    EXPECT_LT(error.size(), 200u);
    const std::string preprocess = "{\"order\":" + type + "}";
    EXPECT_TRUE(
        contains(user_error_of([&] { parse_preprocess(preprocess, kOrigin); }), "nests deeper"));
  }
}

TEST(Architecture, LongValuesAreQuotedShort) {
  const std::string long_text(100000, 'q');
  for (const std::string& text :
       {"[{\"name\":\"a\",\"type\":[[[\"" + long_text + "\"]]]}]",
        "[{\"name\":\"a\",\"type\":\"" + long_text + "\"}]",
        "[{\"name\":\"" + long_text + "\",\"type\":\"relu\",\"x\":1}]",
        "[{\"name\":\"a\",\"type\":\"conv\",\"out\":\"" + long_text + "\"}]"}) {
    const std::string error = user_error_of([&] { parse_architecture(text, kOrigin); });
    EXPECT_TRUE(contains(error, kOrigin)) << error;
    EXPECT_LT(error.size(), 300u) << error;
  }
}

}  // namespace
}  // namespace nsrg
