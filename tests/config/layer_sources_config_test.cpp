// [style.layer_sources] in the config: each style layer may take its Gram from its own style
// images or kept style; the entry is read in both TOML spellings, written to the summary's
// JSON only when given (so other configs keep their hash); every
// mistake (a layer that is not a style layer, both sources or none, a missing file, a kept
// style without the layer, of another model or colour mode, beside [path]) is one line
// naming the key. (fields_test.cpp reads a layer source back from the JSON.)
#include <gtest/gtest.h>

#include "engine/config/config_fields.h"
#include "tests/config/config_test_folder.h"
#include "weights/style_targets_file.h"

namespace nsrg {
namespace {

using testing::ConfigFolder;
using testing::expect_user_error;
using testing::write_kept_style;

class LayerSourcesConfig : public ::testing::Test {
 protected:
  std::string config_with(const std::string& sources, const std::string& more = "") {
    return folder_.write_config("layers = [\"relu1_1\", \"relu3_1\"]\n" + sources + more);
  }
  void expect_refused(const std::string& sources, const std::vector<std::string>& parts,
                      const std::string& more = "") {
    const std::string path = config_with(sources, more);
    expect_user_error([&] { load_config(path); }, parts);
  }
  ConfigFolder folder_;
};

TEST_F(LayerSourcesConfig, ReadsImagesAndTargetsInBothSpellings) {
  const std::string kept = write_kept_style(folder_, "fine.style.safetensors", {"relu3_1"});
  const RenderConfig inline_tables = load_config(
      config_with("layer_sources = { relu1_1 = { images = [\"style_b.jpg\", \"style_a.png\"] }, "
                  "relu3_1 = { targets = \"fine.style.safetensors\" } }\n"));
  const RenderConfig tables = load_config(
      config_with("[style.layer_sources.relu1_1]\nimages = [\"style_b.jpg\", \"style_a.png\"]\n"
                  "[style.layer_sources.relu3_1]\ntargets = \"fine.style.safetensors\"\n"));
  for (const RenderConfig* config : {&inline_tables, &tables}) {
    ASSERT_EQ(config->style_layer_sources.size(), 2u);
    const LayerSource& images = config->style_layer_sources.at("relu1_1");
    EXPECT_EQ(images.images,
              (std::vector<std::string>{folder_.path("style_b.jpg"), folder_.path("style_a.png")}));
    EXPECT_TRUE(images.targets.empty());
    const LayerSource& targets = config->style_layer_sources.at("relu3_1");
    EXPECT_TRUE(targets.images.empty());
    EXPECT_EQ(targets.targets, kept);
    EXPECT_EQ(config->style_images, (std::vector<std::string>{folder_.path("style_a.png")}));
  }
}

TEST_F(LayerSourcesConfig, TheJsonHasTheSourcesOnlyWhenGiven) {
  const RenderConfig plain = load_config(config_with(""));
  EXPECT_FALSE(config_to_json(plain)["style"].contains("layer_sources"));
  const RenderConfig config =
      load_config(config_with("[style.layer_sources]\nrelu1_1 = { images = [\"style_b.jpg\"] }\n"));
  const nlohmann::json json = config_to_json(config);
  EXPECT_EQ(json["style"]["layer_sources"]["relu1_1"]["images"],
            nlohmann::json::array({folder_.path("style_b.jpg")}));
  // fields_test.cpp reads a config with a layer source back from its JSON.
}

TEST_F(LayerSourcesConfig, ASweepLayerMayHaveASource) {
  const RenderConfig config =
      load_config(config_with("[style.layer_sources]\nrelu2_1 = { images = [\"style_b.jpg\"] }\n",
                              "[sweep]\nstyle_layers = [\"relu2_1\", \"relu3_1\"]\n"));
  EXPECT_EQ(config.style_layer_sources.count("relu2_1"), 1u);
}

TEST_F(LayerSourcesConfig, SetOverridesASource) {
  const std::string path = config_with("");
  const RenderConfig config =
      load_config(path, {"style.layer_sources.relu1_1.images=[\"style_b.jpg\"]"});
  EXPECT_EQ(config.style_layer_sources.at("relu1_1").images,
            (std::vector<std::string>{folder_.path("style_b.jpg")}));
}

TEST_F(LayerSourcesConfig, ALayerThatIsNotAStyleLayerIsOneLine) {
  expect_refused("layer_sources = { relu2_1 = { images = [\"style_b.jpg\"] } }\n",
                 {"style.layer_sources.relu2_1: \"relu2_1\" is not a style layer (style.layers "
                  "is [relu1_1, relu3_1])"});
}

TEST_F(LayerSourcesConfig, BothSourcesOrNoneIsOneLine) {
  write_kept_style(folder_, "fine.style.safetensors", {"relu1_1"});
  expect_refused(
      "layer_sources = { relu1_1 = { images = [\"style_b.jpg\"], targets = "
      "\"fine.style.safetensors\" } }\n",
      {"style.layer_sources.relu1_1: gives both images and targets: a layer has one source"});
  expect_refused("layer_sources = { relu1_1 = { } }\n",
                 {"style.layer_sources.relu1_1: needs images = [style images] or targets"});
  expect_refused("layer_sources = { relu1_1 = { images = [] } }\n",
                 {"style.layer_sources.relu1_1: needs images"});
}

TEST_F(LayerSourcesConfig, MisspelledKeysAndWrongTypesAreOneLine) {
  expect_refused("layer_sources = { relu1_1 = { image = [\"style_b.jpg\"] } }\n",
                 {"unknown key \"style.layer_sources.relu1_1.image\""});
  expect_refused("layer_sources = { relu1_1 = \"style_b.jpg\" }\n",
                 {"style.layer_sources.relu1_1"});
  expect_refused("layer_sources = { relu1_1 = { targets = [\"a\", \"b\"] } }\n",
                 {"style.layer_sources.relu1_1.targets"});
}

TEST_F(LayerSourcesConfig, AMissingFileIsOneLine) {
  expect_refused("layer_sources = { relu1_1 = { images = [\"nowhere.png\"] } }\n",
                 {"style.layer_sources.relu1_1.images[0]", "nowhere.png"});
  expect_refused("layer_sources = { relu1_1 = { targets = \"nowhere.style.safetensors\" } }\n",
                 {"style.layer_sources.relu1_1.targets", "nowhere.style.safetensors"});
}

TEST_F(LayerSourcesConfig, AKeptStyleWithoutTheLayerOrOfAnotherModelIsOneLine) {
  const std::string other_layer =
      write_kept_style(folder_, "coarse.style.safetensors", {"relu3_1"});
  expect_refused("layer_sources = { relu1_1 = { targets = \"coarse.style.safetensors\" } }\n",
                 {"style.layer_sources.relu1_1.targets: layer \"relu1_1\" has no target in " +
                  other_layer + " (it holds [relu3_1])"});
  const std::string other_model = write_kept_style(folder_, "other.style.safetensors", {"relu1_1"},
                                                   folder_.path("vgg16.safetensors"));
  expect_refused("layer_sources = { relu1_1 = { targets = \"other.style.safetensors\" } }\n",
                 {"style.layer_sources.relu1_1.targets: " + other_model + " was made with " +
                  folder_.path("vgg16.safetensors") + " but model is builtin:vgg19-random"});
  folder_.write("junk.style.safetensors", "not a safetensors file");
  expect_refused("layer_sources = { relu1_1 = { targets = \"junk.style.safetensors\" } }\n",
                 {"junk.style.safetensors"});
}

TEST_F(LayerSourcesConfig, AKeptStyleOfAnotherColourModeIsOneLine) {
  const std::string kept = write_kept_style(folder_, "fine.style.safetensors", {"relu1_1"});
  expect_refused("layer_sources = { relu1_1 = { targets = \"fine.style.safetensors\" } }\n",
                 {"style.layer_sources.relu1_1.targets: " + kept +
                  " was captured with style.color = \"full\" but this render's is \"luminance\""},
                 "color = \"luminance\"\n");
}

TEST_F(LayerSourcesConfig, AKeptStyleAsStyleNeedsNoTargetForASourcedLayer) {
  write_kept_style(folder_, "base.style.safetensors", {"relu3_1"});
  const std::string path = folder_.write(
      "kept.toml",
      "[content]\nimage = \"content.png\"\n[style]\ntargets = \"base.style.safetensors\"\n"
      "layers = [\"relu1_1\", \"relu3_1\"]\n"
      "layer_sources = { relu1_1 = { images = [\"style_b.jpg\"] } }\n");
  const RenderConfig config = load_config(path);
  EXPECT_EQ(config.style_layer_sources.count("relu1_1"), 1u);
  // Without the source, the file's missing layer is refused as before.
  const std::string plain = folder_.write(
      "plain.toml",
      "[content]\nimage = \"content.png\"\n[style]\ntargets = \"base.style.safetensors\"\n"
      "layers = [\"relu1_1\", \"relu3_1\"]\n");
  expect_user_error([&] { load_config(plain); }, {"style.layers: layer \"relu1_1\" has no target"});
}

TEST_F(LayerSourcesConfig, APathCannotHaveLayerSources) {
  write_kept_style(folder_, "a.style.safetensors", {"relu1_1"});
  write_kept_style(folder_, "b.style.safetensors", {"relu1_1"});
  const std::string path =
      folder_.write("morph.toml",
                    "[content]\nimage = \"content.png\"\n[style]\n"
                    "layer_sources = { relu1_1 = { images = [\"style_b.jpg\"] } }\n[path]\n"
                    "styles = [\"a.style.safetensors\", \"b.style.safetensors\"]\nframes = 3\n");
  expect_user_error([&] { load_config(path); },
                    {"style.layer_sources: cannot be used with [path]"});
}

}  // namespace
}  // namespace nsrg
