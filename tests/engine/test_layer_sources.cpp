// Scale control ([style.layer_sources]) in whole renders on the CPU: a layer with a source of
// its own gets exactly the Gram that source alone gives as [style] (bit for bit, images or a
// kept style), the other layers [style]'s; randomization applies per source with the render
// seed (layer by layer the same draws as a render with that source as [style]), so a
// variant renders again from its seed; a kept style records each layer's source in its
// lineage, and style.replay of it rebuilds every source bit for bit (a changed source image is
// one line); a replayed [style] keeps the layers without a source of their own.
#include <gtest/gtest.h>

#include "engine/stages/image_style_targets.h"
#include "tests/engine/render_test_support.h"
#include "weights/sha256.h"
#include "weights/style_targets_file.h"

namespace nsrg {
namespace {

using namespace nsrg::testing;
namespace fs = std::filesystem;

const std::string kTwoLayers = "style.layers=[\"relu1_1\", \"relu2_1\"]";

const std::string kGravelFine =
    "style.layer_sources.relu1_1.images=[\"" + example_image("gravel.png") + "\"]";
const std::string kGravelStyle = "style.images=[\"" + example_image("gravel.png") + "\"]";

class LayerSources : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_scratch_dir("layer_sources");
    // [style] is write_config's hubble_deep_field.jpg; one evaluation is enough: the kept
    // style holds the targets the render used.
    config_ = write_config(dir_, 32, 1, "[init]\nkind = \"image\"\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Renders with `overrides` and save_targets under `name`; each image's kept style.
  std::vector<StyleTargets> render_kept(std::vector<std::string> overrides,
                                        const std::string& name) {
    overrides.push_back(kTwoLayers);
    overrides.push_back("output.save_targets=true");
    overrides.push_back("output.contact_sheet=false");
    overrides.push_back("output.path=\"" + name + "/out.png\"");
    std::vector<StyleTargets> kept;
    for (const RenderedImage& image : render(config_, overrides))
      kept.push_back(read_style_targets(style_targets_path(image.path)));
    return kept;
  }

  // [style] hubble_deep_field.jpg, relu1_1 from gravel.png, relu2_1 from a kept style of
  // gravel.png (gravel/out.style.safetensors), randomized (scale_eigenvalues): the kept style
  // mixed/out.style.safetensors.
  StyleTargets render_kept_mixed_sources() {
    const std::string gravel_file = dir_ / "gravel/out.style.safetensors";
    render_kept({kGravelStyle}, "gravel");
    return render_kept({kGravelFine, "style.layer_sources.relu2_1.targets=\"" + gravel_file + "\"",
                        "randomize.mode=\"scale_eigenvalues\""},
                       "mixed")
        .front();
  }

  fs::path dir_, config_;
};

const std::vector<float>& gram_of(const StyleTargets& kept, const std::string& layer) {
  for (size_t i = 0; i < kept.info.layers.size(); ++i)
    if (kept.info.layers[i] == layer) return kept.grams[i].data;
  throw std::runtime_error("no layer " + layer);
}

TEST_F(LayerSources, ASourcedLayerHasItsSourcesGramTheOthersStyles) {
  const StyleTargets mixed = render_kept({kGravelFine}, "mixed").front();
  const StyleTargets gravel = render_kept({kGravelStyle}, "gravel").front();
  const StyleTargets hubble = render_kept({}, "hubble").front();
  EXPECT_EQ(gram_of(mixed, "relu1_1"), gram_of(gravel, "relu1_1"));
  EXPECT_EQ(gram_of(mixed, "relu2_1"), gram_of(hubble, "relu2_1"));
  EXPECT_NE(gram_of(gravel, "relu1_1"), gram_of(hubble, "relu1_1"));  // the test can fail
}

TEST_F(LayerSources, AKeptStyleSourceGivesItsFilesGram) {
  const std::string file = dir_ / "gravel/out.style.safetensors";
  const StyleTargets gravel = render_kept({kGravelStyle}, "gravel").front();
  const StyleTargets mixed =
      render_kept({"style.layer_sources.relu2_1.targets=\"" + file + "\""}, "mixed").front();
  const StyleTargets hubble = render_kept({}, "hubble").front();
  EXPECT_EQ(gram_of(mixed, "relu2_1"), gram_of(gravel, "relu2_1"));
  EXPECT_EQ(gram_of(mixed, "relu1_1"), gram_of(hubble, "relu1_1"));
}

TEST_F(LayerSources, VariantsRandomizeEachSourceWithTheRenderSeed) {
  const std::vector<std::string> family = {kGravelFine, "randomize.mode=\"scale_eigenvalues\"",
                                           "randomize.variants=2"};
  const std::vector<StyleTargets> mixed = render_kept(family, "mixed");
  ASSERT_EQ(mixed.size(), 2u);
  EXPECT_NE(gram_of(mixed[0], "relu1_1"), gram_of(mixed[1], "relu1_1"));
  // Layer by layer, the draws of a render with that source as [style]: seed 7 + v.
  std::vector<std::string> gravel_family = family;
  gravel_family.front() = kGravelStyle;
  const std::vector<StyleTargets> gravel = render_kept(gravel_family, "gravel");
  std::vector<std::string> hubble_family = family;
  hubble_family.erase(hubble_family.begin());
  const std::vector<StyleTargets> hubble = render_kept(hubble_family, "hubble");
  for (size_t v = 0; v < 2; ++v) {
    EXPECT_EQ(gram_of(mixed[v], "relu1_1"), gram_of(gravel[v], "relu1_1")) << v;
    EXPECT_EQ(gram_of(mixed[v], "relu2_1"), gram_of(hubble[v], "relu2_1")) << v;
  }
  // Variant b alone from its seed: the same targets and image.
  std::vector<std::string> alone = family;
  alone.back() = "randomize.variants=1";
  alone.push_back("seed=8");
  const StyleTargets b = render_kept(alone, "alone").front();
  for (const std::string& layer : {"relu1_1", "relu2_1"})
    EXPECT_EQ(gram_of(b, layer), gram_of(mixed[1], layer)) << layer;
  EXPECT_EQ(sha256_file_hex((dir_ / "alone/out.png").string()),
            sha256_file_hex((dir_ / "mixed/out-b.png").string()));
}

TEST_F(LayerSources, AKeptStyleRecordsEachLayersSource) {
  const std::string gravel_file = dir_ / "gravel/out.style.safetensors";
  const StyleTargets kept = render_kept_mixed_sources();
  const Lineage& lineage = kept.info.lineage;
  EXPECT_EQ(lineage.root.style_images.front().file, example_image("hubble_deep_field.jpg"));
  ASSERT_EQ(lineage.steps.size(), 2u);
  const LayerSourcesStep& sources = std::get<LayerSourcesStep>(lineage.steps[0]);
  ASSERT_EQ(sources.sources.size(), 2u);
  EXPECT_EQ(sources.sources[0].layer, "relu1_1");
  EXPECT_EQ(sources.sources[0].file_sha256, "");
  ASSERT_EQ(sources.sources[0].lineage.root.style_images.size(), 1u);
  EXPECT_EQ(sources.sources[0].lineage.root.style_images[0].file, example_image("gravel.png"));
  EXPECT_EQ(sources.sources[0].lineage.root.style_images[0].sha256,
            sha256_file_hex(example_image("gravel.png")));
  EXPECT_EQ(sources.sources[1].layer, "relu2_1");
  EXPECT_EQ(sources.sources[1].file_sha256, sha256_file_hex(gravel_file));
  EXPECT_EQ(sources.sources[1].lineage.root.style_images[0].file, example_image("gravel.png"));
  const RandomizeStep& randomized = std::get<RandomizeStep>(lineage.steps[1]);
  EXPECT_EQ(randomized.seed, 7u);
  EXPECT_EQ(randomized.parent_sha256, "");  // applied to Grams no one file holds
  // The kept style applies as [style] (its Grams are the render's).
  const std::string file = dir_ / "mixed/out.style.safetensors";
  const fs::path apply = write_targets_config(dir_, file, "");
  EXPECT_EQ(render_user_error(apply), "");
}

// style.replay of a kept style with a layer sources step (relu1_1 from gravel.png, relu2_1
// from a kept style of gravel.png, then randomized) rebuilds each source from its own lineage:
// at the file's size the same Grams bit for bit.
TEST_F(LayerSources, AReplayRebuildsEachLayersSourceBitForBit) {
  const StyleTargets kept = render_kept_mixed_sources();
  config_ = write_targets_config(dir_, dir_ / "mixed/out.style.safetensors", "");
  const StyleTargets replayed = render_kept({"style.replay=true"}, "replayed").front();
  for (const std::string& layer : {"relu1_1", "relu2_1"})
    EXPECT_EQ(gram_of(replayed, layer), gram_of(kept, layer)) << layer;
  // The replay writes the same lineage again (no [randomize]: no step added).
  EXPECT_EQ(lineage_json_text(replayed.info.lineage), lineage_json_text(kept.info.lineage));
}

// A source's style image that changed since the kept style was made is one line naming it.
TEST_F(LayerSources, AReplayWithAChangedSourceImageIsRefused) {
  const fs::path fine = dir_ / "fine.png";
  fs::copy_file(example_image("gravel.png"), fine);
  render_kept({"style.layer_sources.relu1_1.images=[\"" + fine.string() + "\"]"}, "mixed");
  fs::copy_file(example_image("brick.png"), fine, fs::copy_options::overwrite_existing);
  const std::string file = dir_ / "mixed/out.style.safetensors";
  const std::string error =
      render_user_error(write_targets_config(dir_, file, ""), {"style.replay=true", kTwoLayers});
  EXPECT_NE(error.find("style.replay: style image " + fine.string() + " of " + file +
                       "'s lineage (lineage step 1, the source of relu1_1) has changed"),
            std::string::npos)
      << error;
}

TEST_F(LayerSources, ASweepRowOfASourcedLayerUsesTheSource) {
  const std::vector<std::string> sweep = {"sweep.style_layers=[\"relu1_1\", \"relu2_1\"]"};
  std::vector<std::string> with_source = sweep;
  with_source.push_back(kGravelFine);
  const std::vector<StyleTargets> mixed = render_kept(with_source, "mixed");
  std::vector<std::string> gravel_sweep = sweep;
  gravel_sweep.push_back(kGravelStyle);
  const std::vector<StyleTargets> gravel = render_kept(gravel_sweep, "gravel");
  const std::vector<StyleTargets> hubble = render_kept(sweep, "hubble");
  ASSERT_EQ(mixed.size(), 2u);
  EXPECT_EQ(gram_of(mixed[0], "relu1_1"), gram_of(gravel[0], "relu1_1"));
  EXPECT_EQ(gram_of(mixed[1], "relu2_1"), gram_of(hubble[1], "relu2_1"));
  // Only the row whose layer has a source records a layer sources step.
  EXPECT_TRUE(has_layer_sources(mixed[0].info.lineage));
  EXPECT_FALSE(has_layer_sources(mixed[1].info.lineage));
}

TEST_F(LayerSources, StagesCaptureEachSourceAtEachStagesSize) {
  const std::vector<std::string> stages = {
      "stages=[{image_size = 24, iterations = 1}, {image_size = 32, iterations = 1}]"};
  std::vector<std::string> with_source = stages;
  with_source.push_back(kGravelFine);
  const StyleTargets mixed = render_kept(with_source, "mixed").front();
  std::vector<std::string> gravel_stages = stages;
  gravel_stages.push_back(kGravelStyle);
  const StyleTargets gravel = render_kept(gravel_stages, "gravel").front();
  EXPECT_EQ(gram_of(mixed, "relu1_1"), gram_of(gravel, "relu1_1"));
}

TEST_F(LayerSources, AReplayedStyleKeepsItsLayersWithoutASource) {
  // A randomized kept style replayed at its own size with relu1_1 from gravel.png: relu2_1
  // is the file's Gram, relu1_1 gravel's, both bit for bit.
  const std::string file = dir_ / "hubble/out.style.safetensors";
  const StyleTargets hubble =
      render_kept({"randomize.mode=\"scale_eigenvalues\""}, "hubble").front();
  const StyleTargets gravel = render_kept({kGravelStyle}, "gravel").front();
  config_ = write_targets_config(dir_, file, "");
  const StyleTargets replayed =
      render_kept({"style.replay=true", kGravelFine, "randomize.mode=\"none\""}, "replayed")
          .front();
  EXPECT_EQ(gram_of(replayed, "relu2_1"), gram_of(hubble, "relu2_1"));
  EXPECT_EQ(gram_of(replayed, "relu1_1"), gram_of(gravel, "relu1_1"));
}

TEST(LayerSourcesExample, LoadsWithTwoFineLayersFromTheirOwnImage) {
  const RenderConfig config =
      load_config(std::string(NSRG_SOURCE_DIR) + "/examples/layer_sources.toml");
  ASSERT_EQ(config.style_layer_sources.size(), 2u);
  for (const std::string& layer : {"relu1_1", "relu2_1"})
    EXPECT_EQ(
        config.style_layer_sources.at(layer).images,
        (std::vector<std::string>{std::string(NSRG_SOURCE_DIR) + "/examples/images/gravel.png"}));
}

}  // namespace
}  // namespace nsrg
