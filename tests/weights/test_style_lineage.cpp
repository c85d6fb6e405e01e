// The lineage of a kept style (weights/style_lineage.h): every kind of root and step written
// and read back equal; the reader refuses, with one line naming the file and the place,
// every malformed, oversized or too deeply nested lineage; format-1 files read as an
// unknown root.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "engine/core/error.h"
#include "tests/weights/weights_test_util.h"
#include "weights/style_lineage.h"
#include "weights/style_targets_file.h"

namespace nsrg {
namespace {

using json = nlohmann::json;

const std::string kShaA(64, 'a');
const std::string kShaB(64, 'b');

LineageRoot images_root() {
  LineageRoot root;
  root.kind = LineageRootKind::Images;
  root.model = "builtin:vgg19-random";
  root.style_images = {{"/x/coffee.png", kShaA, 0.25f}, {"/x/brick.png", kShaB, 0.75f}};
  root.style_scale = 0.7f;
  return root;
}

RandomizeStep randomize_step(uint64_t seed, const std::string& parent) {
  RandomizeSettings scale;
  scale.mode = RandomizeMode::ScaleEigenvectors;
  scale.lo = 0.3f;
  scale.hi = 1.7f;
  scale.mix = 0.6f;
  scale.keep_energy = true;
  RandomizeSettings replace;
  replace.mode = RandomizeMode::ReplaceEigenvectors;
  replace.distribution = RandomDistribution::Normal;
  return {parent, seed, "c", {{"relu2_1", scale}, {"relu3_3", replace}}};
}

Lineage bred_lineage() {
  Lineage lineage = captured_lineage(images_root());
  append_randomize_step(lineage, randomize_step(9, ""));
  append_randomize_step(lineage, randomize_step(18446744073709551615ull, kShaA));
  return lineage;
}

void expect_equal(const Lineage& a, const Lineage& b);

void expect_equal(const RandomizeStep& a, const RandomizeStep& b) {
  EXPECT_EQ(a.parent_sha256, b.parent_sha256);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.variant, b.variant);
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (size_t i = 0; i < a.layers.size(); ++i) {
    EXPECT_EQ(a.layers[i].layer, b.layers[i].layer);
    const RandomizeSettings &x = a.layers[i].settings, &y = b.layers[i].settings;
    EXPECT_EQ(x.mode, y.mode);
    EXPECT_EQ(x.lo, y.lo);  // exactly: a float goes through JSON and back unchanged
    EXPECT_EQ(x.hi, y.hi);
    EXPECT_EQ(x.distribution, y.distribution);
    EXPECT_EQ(x.mix, y.mix);
    EXPECT_EQ(x.keep_energy, y.keep_energy);
  }
}

void expect_equal(const BlendStep& a, const BlendStep& b) {
  EXPECT_EQ(a.space, b.space);
  EXPECT_EQ(a.weights, b.weights);
  ASSERT_EQ(a.parents.size(), b.parents.size());
  for (size_t i = 0; i < a.parents.size(); ++i) {
    EXPECT_EQ(a.parents[i].file_sha256, b.parents[i].file_sha256);
    expect_equal(a.parents[i].lineage, b.parents[i].lineage);
  }
}

void expect_equal(const Lineage& a, const Lineage& b) {
  EXPECT_EQ(a.root.kind, b.root.kind);
  EXPECT_EQ(a.root.model, b.root.model);
  EXPECT_EQ(a.root.model_sha256, b.root.model_sha256);
  EXPECT_EQ(a.root.style_scale, b.root.style_scale);
  ASSERT_EQ(a.root.style_images.size(), b.root.style_images.size());
  for (size_t i = 0; i < a.root.style_images.size(); ++i) {
    EXPECT_EQ(a.root.style_images[i].file, b.root.style_images[i].file);
    EXPECT_EQ(a.root.style_images[i].sha256, b.root.style_images[i].sha256);
    EXPECT_EQ(a.root.style_images[i].blend_weight, b.root.style_images[i].blend_weight);
  }
  ASSERT_EQ(a.steps.size(), b.steps.size());
  for (size_t i = 0; i < a.steps.size(); ++i) {
    ASSERT_EQ(a.steps[i].index(), b.steps[i].index());
    if (const auto* step = std::get_if<RandomizeStep>(&a.steps[i]))
      expect_equal(*step, std::get<RandomizeStep>(b.steps[i]));
    else
      expect_equal(std::get<BlendStep>(a.steps[i]), std::get<BlendStep>(b.steps[i]));
  }
}

std::string parse_error(const std::string& text) {
  return test::lineage_parse_error(text);
}

TEST(StyleLineage, CapturedAndBredLineageRoundTrips) {
  const Lineage lineage = bred_lineage();
  const std::string text = lineage_json_text(lineage);
  expect_equal(parse_lineage("f", text), lineage);
  // The JSON spells what docs/style_targets.md says.
  const json value = json::parse(text);
  EXPECT_EQ(value["root"]["model"], "builtin:vgg19-random");
  EXPECT_EQ(value["root"]["style_images"][1]["file"], "/x/brick.png");
  EXPECT_EQ(value["steps"][0]["type"], "randomize");
  EXPECT_EQ(value["steps"][0]["parent_sha256"], "");
  EXPECT_EQ(value["steps"][1]["parent_sha256"], kShaA);
  EXPECT_EQ(value["steps"][1]["seed"].get<uint64_t>(), 18446744073709551615ull);
  EXPECT_EQ(value["steps"][1]["layers"][1]["mode"], "replace_eigenvectors");
  EXPECT_EQ(value["steps"][1]["layers"][1]["distribution"], "normal");
}

TEST(StyleLineage, UnknownRootAndBlendRoundTrip) {
  Lineage unknown = unknown_lineage();
  EXPECT_EQ(lineage_json_text(unknown), R"({"root":"unknown","steps":[]})");
  append_randomize_step(unknown, randomize_step(3, kShaB));  // bred from a format-1 file
  expect_equal(parse_lineage("f", lineage_json_text(unknown)), unknown);

  BlendStep blend;
  blend.space = BlendSpace::Wasserstein;
  blend.weights = {0.3f, 0.7f};
  blend.parents = {{kShaA, bred_lineage()}, {kShaB, unknown}};
  Lineage blended = blended_lineage(blend);
  append_randomize_step(blended, randomize_step(5, kShaA));
  const std::string text = lineage_json_text(blended);
  expect_equal(parse_lineage("f", text), blended);
  const json value = json::parse(text);
  EXPECT_EQ(value["root"], "blend");
  EXPECT_EQ(value["steps"][0]["type"], "blend");
  EXPECT_EQ(value["steps"][0]["space"], "wasserstein");
  EXPECT_EQ(value["steps"][0]["parents"][1]["file_sha256"], kShaB);
  EXPECT_EQ(value["steps"][0]["parents"][0]["lineage"]["steps"].size(), 2u);
}

TEST(StyleLineage, ReaderRefusesMalformedLineages) {
  const json good = json::parse(lineage_json_text(bred_lineage()));
  const auto with = [&](const std::function<void(json&)>& change) {
    json value = good;
    change(value);
    return parse_error(value.dump());
  };
  const auto expect_error = [](const std::string& error, const std::string& part) {
    EXPECT_NE(error.find("kept.style.safetensors: metadata entry nsrg.lineage"), std::string::npos)
        << error;
    EXPECT_NE(error.find(part), std::string::npos) << error;
  };
  expect_error(parse_error("{"), "is not valid JSON");
  expect_error(parse_error("[]"), "is not a JSON object");
  expect_error(with([](json& v) { v.erase("root"); }), "at root: is missing");
  expect_error(with([](json& v) { v["root"] = "images"; }),
               "not \"unknown\", \"blend\" or an object");
  expect_error(with([](json& v) { v["root"] = 3; }), "not \"unknown\", \"blend\" or an object");
  expect_error(with([](json& v) { v["root"]["style_images"][1]["sha256"] = "ABC"; }),
               "at root.style_images[1]: field \"sha256\" is missing or not a SHA-256");
  expect_error(with([](json& v) { v["root"]["style_images"] = json::array(); }),
               "\"style_images\" is empty");
  expect_error(with([](json& v) { v["root"]["style_images"][0]["blend_weight"] = -1; }),
               "\"blend_weight\" is negative");
  expect_error(with([](json& v) { v["root"]["style_scale"] = 0; }), "not in (0, 10]");
  expect_error(with([](json& v) { v["root"]["model"] = std::string(5000, 'm'); }),
               "field \"model\" is 5000 bytes long (at most 4096)");
  expect_error(with([](json& v) { v["steps"] = "none"; }),
               "field \"steps\" is missing or not a list");
  expect_error(with([](json& v) { v["steps"][1]["type"] = "shuffle"; }),
               "at steps[1]: field \"type\" is \"shuffle\", not randomize, blend or layer_sources");
  expect_error(with([](json& v) { v["steps"][1]["seed"] = -4; }),
               "at steps[1]: field \"seed\" is missing or not a non-negative integer");
  expect_error(with([](json& v) { v["steps"][1]["seed"] = 1.5; }), "non-negative integer");
  expect_error(with([](json& v) { v["steps"][0]["variant"] = ""; }), "\"variant\" is empty");
  expect_error(with([](json& v) { v["steps"][0]["layers"][1]["mode"] = "shuffle"; }),
               "at steps[0].layers[1]: field \"mode\" is \"shuffle\", not one of none, ");
  expect_error(with([](json& v) {
                 v["steps"][0]["layers"][1]["range"] = {1, 2, 3};
               }),
               "field \"range\" is not [lo, hi]");
  expect_error(with([](json& v) { v["steps"][0]["layers"][1]["mix"] = 1e300; }),
               "field \"mix\" is missing or not a finite number");
  expect_error(with([](json& v) { v["steps"][0]["layers"][0]["keep_energy"] = 1; }),
               "field \"keep_energy\" is missing or not true or false");
  // A lineage written before keep_energy existed: the field is absent, and it was off.
  json without = good;
  without["steps"][0]["layers"][0].erase("keep_energy");
  const Lineage old_file = parse_lineage("kept.style.safetensors", without.dump());
  EXPECT_FALSE(std::get<RandomizeStep>(old_file.steps[0]).layers[0].settings.keep_energy);
  expect_error(with([](json& v) { v["steps"][0]["layers"][1]["layer"] = "relu2_1"; }),
               "layer \"relu2_1\" is listed twice");
  expect_error(with([](json& v) { v["steps"][0]["layers"] = json::array(); }),
               "\"layers\" is empty");
  // A blend only first, after the root "blend", with a weight per parent (two at least).
  expect_error(with([](json& v) { v["root"] = "blend"; }),
               "at steps: the root \"blend\" needs a blend as the first step");
  json blend = {
      {"type", "blend"},
      {"space", "linear"},
      {"weights", {0.5, 0.5}},
      {"parents",
       {{{"file_sha256", kShaA}, {"lineage", good}}, {{"file_sha256", kShaB}, {"lineage", good}}}}};
  expect_error(with([&](json& v) { v["steps"][1] = blend; }),
               "a blend step comes only first, after the root \"blend\"");
  const auto blended = [&](const std::function<void(json&)>& change) {
    json b = blend;
    change(b);
    return parse_error(json({{"root", "blend"}, {"steps", {b}}}).dump());
  };
  EXPECT_EQ(blended([](json&) {}), "");
  expect_error(blended([](json& b) { b["space"] = "geodesic"; }),
               "field \"space\" is \"geodesic\", not one of linear, log_euclidean, wasserstein");
  expect_error(blended([](json& b) { b["weights"] = {1.0}; }), "has 1 weights for 2 parents");
  expect_error(blended([](json& b) { b["weights"][1] = -0.5; }), "weights[1] is negative");
  expect_error(blended([](json& b) { b["parents"].erase(1); }), "at least two parents");
  expect_error(blended([](json& b) { b["parents"][1]["lineage"]["steps"][0]["seed"] = "x"; }),
               "at steps[0].parents[1].lineage.steps[0]: field \"seed\"");
  expect_error(blended([](json& b) { b["parents"][0].erase("lineage"); }),
               "at steps[0].parents[0]: field \"lineage\" is missing");
}

TEST(StyleLineage, ReaderBoundsNestingAndSizes) {
  // Blends nested kMaxLineageDepth deep are read; one deeper is refused.
  const auto nested = [&](int depth) {
    json lineage = json::parse(lineage_json_text(unknown_lineage()));
    const json leaf = lineage;
    for (int level = 1; level < depth; ++level)
      lineage = {{"root", "blend"},
                 {"steps",
                  {{{"type", "blend"},
                    {"space", "log_euclidean"},
                    {"weights", {1, 1}},
                    {"parents",
                     {{{"file_sha256", kShaA}, {"lineage", lineage}},
                      {{"file_sha256", kShaB}, {"lineage", leaf}}}}}}}};
    return lineage;
  };
  EXPECT_EQ(parse_error(nested(kMaxLineageDepth).dump()), "");
  const std::string too_deep = parse_error(nested(kMaxLineageDepth + 1).dump());
  EXPECT_NE(too_deep.find("blends or layer sources are nested more than 8 deep"), std::string::npos)
      << too_deep;
  // Deeply nested JSON arrays anywhere are refused without exhausting the stack.
  const std::string brackets = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_NE(parse_error(R"({"root": "unknown", "steps": )" + brackets + "}"), "");
  // Too many steps in all.
  json many = json::parse(lineage_json_text(bred_lineage()));
  const json step = many["steps"][0];
  for (size_t i = 0; i <= kMaxLineageSteps; ++i) many["steps"].push_back(step);
  EXPECT_NE(parse_error(many.dump()).find("\"steps\" has 4099 elements (at most 4096)"),
            std::string::npos);
}

TEST(StyleLineage, FormatOneFilesReadAsUnknownRoot) {
  const test::TempDir temp;
  const std::filesystem::path dir = temp.path();
  StyleTargetsInfo info = test::one_layer_targets_info();
  info.lineage = bred_lineage();
  const std::vector<float> data(4, 0.5f);
  const std::string file = (dir / "two.safetensors").string();
  write_style_targets(file, info, {{"", {2, 2}, data.data()}});
  SafetensorsFile written = read_safetensors(file);
  EXPECT_EQ(written.metadata.at("nsrg.style_targets"), "2");
  expect_equal(read_style_targets_info(file).lineage, info.lineage);

  // Format 1: the same file without nsrg.lineage.
  written.metadata["nsrg.style_targets"] = "1";
  written.metadata.erase("nsrg.lineage");
  const std::string old = (dir / "one.safetensors").string();
  write_safetensors(old, written.metadata, {{"relu1_1.gram", {2, 2}, data.data()}});
  const StyleTargetsInfo read = read_style_targets_info(old);
  EXPECT_EQ(read.lineage.root.kind, LineageRootKind::Unknown);
  EXPECT_TRUE(read.lineage.steps.empty());
  EXPECT_EQ(read.variant, "a");

  // Format 2 needs its lineage; format 3 is not read.
  written.metadata["nsrg.style_targets"] = "2";
  write_safetensors(old, written.metadata, {{"relu1_1.gram", {2, 2}, data.data()}});
  EXPECT_TRUE(test::contains(test::user_error_of([&] { read_style_targets_info(old); }),
                             "lacks the metadata entry nsrg.lineage"));
  written.metadata["nsrg.style_targets"] = "3";
  write_safetensors(old, written.metadata, {{"relu1_1.gram", {2, 2}, data.data()}});
  EXPECT_THROW(read_style_targets_info(old), UserError);
}

}  // namespace
}  // namespace nsrg

namespace nsrg {
namespace {

// Colour control in the root: written only when used, read back equal, and checked.
TEST(StyleLineage, ColourControlOfTheRootRoundTripsAndIsChecked) {
  LineageRoot root = images_root();
  root.color = StyleColor::Luminance;
  root.color_source = {"/x/content.png", kShaA, 1.0f};
  const Lineage lineage = captured_lineage(root);
  const std::string text = lineage_json_text(lineage);
  const Lineage back = parse_lineage("f", text);
  EXPECT_EQ(back.root.color, StyleColor::Luminance);
  EXPECT_EQ(back.root.color_match, ColorMatch::None);
  EXPECT_EQ(back.root.color_source.file, "/x/content.png");
  EXPECT_EQ(back.root.color_source.sha256, kShaA);
  EXPECT_EQ(lineage_color(back), StyleColor::Luminance);
  const json value = json::parse(text);
  EXPECT_EQ(value["root"]["color"], "luminance");
  EXPECT_EQ(value["root"]["color_match"], "none");
  // Without colour control the fields are left out (files keep the bytes they had).
  EXPECT_FALSE(json::parse(lineage_json_text(bred_lineage()))["root"].contains("color"));
  EXPECT_EQ(lineage_color(bred_lineage()), StyleColor::Full);

  const auto error_of = [&](const std::function<void(json&)>& change) {
    json changed = value;
    change(changed);
    return parse_error(changed.dump());
  };
  EXPECT_NE(error_of([](json& v) { v["root"]["color"] = "sepia"; })
                .find("at root: field \"color\" is \"sepia\", not one of full, luminance"),
            std::string::npos);
  EXPECT_NE(error_of([](json& v) { v["root"].erase("color_source"); })
                .find("field \"color_source\" is missing"),
            std::string::npos);
  EXPECT_NE(error_of([](json& v) { v["root"]["color_source"]["sha256"] = "x"; })
                .find("at root.color_source: field \"sha256\""),
            std::string::npos);
  EXPECT_NE(error_of([](json& v) { v["root"]["color"] = "full"; })
                .find("are the defaults but are written"),
            std::string::npos);
}

}  // namespace
}  // namespace nsrg
