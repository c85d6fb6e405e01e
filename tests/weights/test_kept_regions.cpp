// The nsrg.regions entry of a kept style of [[regions]]: written and read back the same, and
// every malformed entry refused with one line naming the place.
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "engine/core/error.h"
#include "weights/kept_regions.h"
#include "weights/style_targets_file.h"

namespace nsrg {
namespace {

using json = nlohmann::json;

const std::string kShaA(64, 'a');
const std::string kShaB(64, 'b');

// Two regions: one captured from two style images over their style masks and randomized,
// one from a kept style (its lineage unknown).
std::vector<KeptRegion> two_regions() {
  KeptRegion images;
  images.mask = {"/x/left.png", kShaA, 1.0f};
  images.weight = 2.0f;
  LineageRoot root;
  root.kind = LineageRootKind::Images;
  root.model = "builtin:vgg19-random";
  root.style_images = {{"/x/red.png", kShaB, 0.25f}, {"/x/blue.png", kShaB, 0.75f}};
  images.lineage = captured_lineage(root);
  RandomizeSettings scale;
  scale.mode = RandomizeMode::ScaleEigenvalues;
  append_randomize_step(images.lineage, {"", 4, "b", {{"relu1_1", scale}}});
  images.style_masks = {{"/x/m1.png", kShaA, 1.0f}, {"/x/m2.png", kShaB, 1.0f}};
  KeptRegion kept;
  kept.mask = {"/x/right.png", kShaB, 1.0f};
  kept.lineage = unknown_lineage();
  return {images, kept};
}

std::string parse_error(const std::string& text) {
  try {
    parse_kept_regions("kept.style.safetensors", text);
  } catch (const UserError& error) {
    return error.what();
  }
  return "";
}

TEST(KeptRegions, ReadBackAsWritten) {
  const std::string text = kept_regions_json_text(two_regions());
  const std::vector<KeptRegion> read = parse_kept_regions("kept.style.safetensors", text);
  EXPECT_EQ(kept_regions_json_text(read), text);
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(read[0].mask.file, "/x/left.png");
  EXPECT_EQ(read[0].mask.sha256, kShaA);
  EXPECT_EQ(read[0].weight, 2.0f);
  ASSERT_EQ(read[0].style_masks.size(), 2u);
  EXPECT_EQ(read[0].style_masks[1].file, "/x/m2.png");
  EXPECT_EQ(read[0].lineage.root.style_images[1].blend_weight, 0.75f);
  EXPECT_EQ(std::get<RandomizeStep>(read[0].lineage.steps.at(0)).seed, 4u);
  EXPECT_EQ(read[1].lineage.root.kind, LineageRootKind::Unknown);
  EXPECT_TRUE(read[1].style_masks.empty());
  EXPECT_EQ(region_gram_tensor_name(3, "relu2_1"), "region3.relu2_1.gram");
}

// The fuzz seed (written by a Python script, not by this writer) reads as two regions' Grams.
TEST(KeptRegions, AFileWrittenElsewhereReadsAsItsRegionsGrams) {
  const StyleTargets targets = read_style_targets(
      std::string(NSRG_SOURCE_DIR) + "/tests/fuzz/corpus/style_targets/regions_2x2.safetensors");
  EXPECT_TRUE(targets.grams.empty());
  ASSERT_EQ(targets.info.regions.size(), 2u);
  ASSERT_EQ(targets.region_grams.size(), 2u);
  EXPECT_EQ(targets.region_grams[0].at(0).data, (std::vector<float>{1, 0.5f, 0.5f, 2}));
  EXPECT_EQ(targets.region_grams[1].at(0).data, (std::vector<float>{3, 0, 0, 1}));
  EXPECT_EQ(targets.info.regions[0].style_masks.size(), 2u);
  EXPECT_EQ(targets.info.regions[1].mask.file, "/x/right.png");
}

TEST(KeptRegions, MalformedEntriesAreOneLineNamingThePlace) {
  const auto with = [](const std::function<void(json&)>& change) {
    json value = json::parse(kept_regions_json_text(two_regions()));
    change(value);
    return value.dump();
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "is not valid JSON"},
      {"{}", "nsrg.regions: is not a list"},
      {"[]", "has 0 regions (1 to 32)"},
      {with([](json& v) {
         for (int i = 0; i < 40; ++i) v.push_back(v[0]);
       }),
       "has 42 regions (1 to 32)"},
      {with([](json& v) { v[1] = 3; }), "at [1]: is not a JSON object"},
      {with([](json& v) { v[0].erase("mask"); }), "at [0]"},
      {with([](json& v) { v[0]["mask"]["sha256"] = "abc"; }), "at [0].mask"},
      {with([](json& v) { v[0]["mask"]["file"] = ""; }), "field \"file\" is empty"},
      {with([](json& v) { v[0]["mask"]["file"] = std::string(5000, 'x'); }), "at [0].mask"},
      {with([](json& v) { v[1]["weight"] = -1; }), "at [1]: field \"weight\" is negative"},
      {with([](json& v) { v[1]["weight"] = "heavy"; }), "at [1]"},
      {with([](json& v) { v[0].erase("style_masks"); }), "at [0]"},
      {with([](json& v) { v[0]["style_masks"].erase(1); }),
       "at [0]: has 1 style masks for 2 style images"},
      {with([](json& v) { v[1]["style_masks"] = v[0]["style_masks"]; }),
       "at [1]: field \"style_masks\" needs a lineage whose root is style images"},
      {with([](json& v) { v[0]["style_masks"][0] = "m.png"; }),
       "at [0].style_masks[0]: is not a JSON object"},
      {with([](json& v) { v[1].erase("lineage"); }), "at [1]: field \"lineage\" is missing"},
      {with([](json& v) { v[0]["lineage"]["root"] = "images"; }), "at [0].lineage.root"},
      {with([](json& v) { v[0]["lineage"]["steps"][0]["type"] = "blend"; }),
       "at [0].lineage.steps[0]"},
  };
  for (const auto& [text, expected] : cases) {
    const std::string error = parse_error(text);
    EXPECT_NE(error.find("kept.style.safetensors: metadata entry nsrg.regions"), std::string::npos)
        << text.substr(0, 200) << " gave: " << error;
    EXPECT_NE(error.find(expected), std::string::npos) << text.substr(0, 200) << " gave: " << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace nsrg
