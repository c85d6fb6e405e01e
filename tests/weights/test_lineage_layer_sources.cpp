// The layer sources step of a lineage (style.layer_sources): written and read back the same,
// found through blends by has_layer_sources, and every malformed entry refused with one line
// naming the place.
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "engine/core/error.h"
#include "tests/weights/weights_test_util.h"
#include "weights/style_lineage.h"

namespace nsrg {
namespace {

using json = nlohmann::json;

const std::string kShaA(64, 'a');
const std::string kShaC(64, 'c');

Lineage images_lineage(const std::string& image, float style_scale) {
  LineageRoot root;
  root.kind = LineageRootKind::Images;
  root.model = "builtin:vgg19-random";
  root.style_images = {{image, kShaA, 1.0f}};
  root.style_scale = style_scale;
  return captured_lineage(root);
}

// [style]'s capture of coffee.png, relu1_1 from gravel.png and relu2_1 from a kept style
// (itself a randomized capture), then a randomization of the whole.
Lineage sourced_lineage() {
  Lineage lineage = images_lineage("/x/coffee.png", 1.0f);
  Lineage kept = images_lineage("/x/brick.png", 0.5f);
  RandomizeSettings scale;
  scale.mode = RandomizeMode::ScaleEigenvalues;
  append_randomize_step(kept, {"", 3, "b", {{"relu2_1", scale}}});
  LayerSourcesStep sources;
  sources.sources.push_back({"relu1_1", "", images_lineage("/x/gravel.png", 1.0f)});
  sources.sources.push_back({"relu2_1", kShaC, kept});
  append_layer_sources_step(lineage, sources);
  append_randomize_step(lineage, {"", 7, "a", {{"relu1_1", scale}, {"relu2_1", scale}}});
  return lineage;
}

std::string parse_error(const std::string& text) {
  return test::lineage_parse_error(text);
}

TEST(LineageLayerSources, ReadsBackAsWritten) {
  const Lineage lineage = sourced_lineage();
  const std::string text = lineage_json_text(lineage);
  const Lineage read = parse_lineage("kept.style.safetensors", text);
  EXPECT_EQ(lineage_json_text(read), text);
  ASSERT_EQ(read.steps.size(), 2u);
  const LayerSourcesStep& step = std::get<LayerSourcesStep>(read.steps[0]);
  ASSERT_EQ(step.sources.size(), 2u);
  EXPECT_EQ(step.sources[0].layer, "relu1_1");
  EXPECT_EQ(step.sources[0].file_sha256, "");
  EXPECT_EQ(step.sources[0].lineage.root.style_images.front().file, "/x/gravel.png");
  EXPECT_EQ(step.sources[1].layer, "relu2_1");
  EXPECT_EQ(step.sources[1].file_sha256, kShaC);
  EXPECT_EQ(step.sources[1].lineage.root.style_scale, 0.5f);
  EXPECT_EQ(std::get<RandomizeStep>(step.sources[1].lineage.steps[0]).seed, 3u);
  EXPECT_EQ(std::get<RandomizeStep>(read.steps[1]).seed, 7u);
}

TEST(LineageLayerSources, HasLayerSourcesLooksInsideBlends) {
  EXPECT_TRUE(has_layer_sources(sourced_lineage()));
  EXPECT_FALSE(has_layer_sources(images_lineage("/x/coffee.png", 1.0f)));
  BlendStep blend;
  blend.weights = {0.5f, 0.5f};
  blend.parents = {{kShaA, images_lineage("/x/coffee.png", 1.0f)}, {kShaC, sourced_lineage()}};
  EXPECT_TRUE(has_layer_sources(blended_lineage(blend)));
  blend.parents.back().lineage = images_lineage("/x/brick.png", 1.0f);
  EXPECT_FALSE(has_layer_sources(blended_lineage(blend)));
}

TEST(LineageLayerSources, MalformedSourcesAreOneLineNamingThePlace) {
  const auto with = [](const std::function<void(json&)>& change) {
    json value = json::parse(lineage_json_text(sourced_lineage()));
    change(value["steps"][0]);
    return parse_error(value.dump());
  };
  const auto expect_error = [](const std::string& error, const std::string& part) {
    EXPECT_NE(error.find("kept.style.safetensors: metadata entry nsrg.lineage at steps[0]"),
              std::string::npos)
        << error;
    EXPECT_NE(error.find(part), std::string::npos) << error;
  };
  expect_error(with([](json& s) { s["sources"] = json::array(); }), "field \"sources\" is empty");
  expect_error(with([](json& s) { s.erase("sources"); }), "sources");
  expect_error(with([](json& s) { s["sources"][1]["layer"] = "relu1_1"; }),
               "sources[1]: layer \"relu1_1\" has two sources");
  expect_error(with([](json& s) { s["sources"][0]["layer"] = ""; }), "field \"layer\" is empty");
  expect_error(with([](json& s) { s["sources"][1]["file_sha256"] = "abc"; }), "file_sha256");
  expect_error(with([](json& s) { s["sources"][0].erase("lineage"); }),
               "sources[0]: field \"lineage\" is missing");
  expect_error(with([](json& s) { s["sources"][0] = 3; }), "sources[0]: is not a JSON object");
  expect_error(with([](json& s) { s["sources"][0]["lineage"]["root"] = "nothing"; }),
               "sources[0].lineage.root");
  expect_error(with([](json& s) { s["type"] = "layer_source"; }),
               "not randomize, blend or layer_sources");
}

TEST(LineageLayerSources, NestingCountsAgainstTheDepthLimit) {
  json lineage = json::parse(lineage_json_text(images_lineage("/x/coffee.png", 1.0f)));
  for (int level = 1; level < kMaxLineageDepth; ++level)
    lineage["steps"] = {
        {{"type", "layer_sources"},
         {"sources", {{{"layer", "relu1_1"}, {"file_sha256", ""}, {"lineage", json(lineage)}}}}}};
  EXPECT_EQ(parse_error(lineage.dump()), "");
  lineage["steps"] = {
      {{"type", "layer_sources"},
       {"sources", {{{"layer", "relu1_1"}, {"file_sha256", ""}, {"lineage", json(lineage)}}}}}};
  EXPECT_NE(parse_error(lineage.dump()).find("nested more than 8 deep"), std::string::npos);
}

}  // namespace
}  // namespace nsrg
