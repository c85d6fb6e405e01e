// Lineage in every kept style: a variant's file records its root and its
// randomize step, a sheet's un-randomized reference its root alone, and a bred
// child appends a step naming its parent by SHA-256.
#include <gtest/gtest.h>
#include <unistd.h>

#include "engine/core/error.h"
#include "engine/stages/image_style_targets.h"
#include "tests/engine/render_test_support.h"
#include "weights/sha256.h"
#include "weights/style_targets_file.h"

namespace nsrg {
namespace {

using namespace nsrg::testing;
namespace fs = std::filesystem;

const std::vector<std::string> kKeep = {"style.layers=[\"relu2_1\", \"relu3_3\"]",
                                        "output.save_targets=true", "init.kind=\"image\""};
const char kRandomize[] = "[randomize]\nmode = \"scale_eigenvectors\"\nvariants = 2\n";

std::vector<std::string> with(std::vector<std::string> overrides,
                              const std::vector<std::string>& more) {
  overrides.insert(overrides.end(), more.begin(), more.end());
  return overrides;
}

// The kept style written beside the first image of a render.
std::string render_kept(const fs::path& config, const std::vector<std::string>& overrides) {
  const std::vector<RenderedImage> images = render(config, overrides);
  EXPECT_FALSE(images.empty());
  return style_targets_path(images.front().path);
}

class Lineage32 : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_scratch_dir("lineage");
    // Variant b (seed 8) of a family at 32 px, from the style image.
    fs::copy_file(example_image("hubble_deep_field.jpg"), dir_ / "style.jpg");
    family_ = write_config(dir_, 32, 1, kRandomize);
    replace_style_image(family_);
    variant_ = render_kept(
        family_, with(kKeep, {"seed=8", "randomize.variants=1", "output.path=\"family/v.png\""}));
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The family config reads dir_/style.jpg (a copy the tests may change or
  // remove).
  void replace_style_image(const fs::path& config) {
    std::ifstream in(config);
    std::stringstream text;
    text << in.rdbuf();
    std::string toml = text.str();
    const std::string original = example_image("hubble_deep_field.jpg");
    toml.replace(toml.find(original), original.size(), (dir_ / "style.jpg").string());
    std::ofstream(config) << toml;
  }

  fs::path dir_, family_;
  std::string variant_;
};

TEST_F(Lineage32, VariantRecordsItsRootAndItsRandomizeStep) {
  const StyleTargetsInfo info = read_style_targets_info(variant_);
  EXPECT_EQ(read_safetensors(variant_, [](const std::string&) { return false; })
                .metadata.at("nsrg.style_targets"),
            "2");
  const Lineage& lineage = info.lineage;
  ASSERT_EQ(lineage.root.kind, LineageRootKind::Images);
  EXPECT_EQ(lineage.root.model, "builtin:vgg19-random");
  EXPECT_EQ(lineage.root.model_sha256, "");
  ASSERT_EQ(lineage.root.style_images.size(), 1u);
  EXPECT_EQ(lineage.root.style_images[0].file, (dir_ / "style.jpg").string());
  EXPECT_EQ(lineage.root.style_images[0].sha256, sha256_file_hex((dir_ / "style.jpg").string()));
  EXPECT_EQ(lineage.root.style_images[0].blend_weight, 1.0f);
  EXPECT_EQ(lineage.root.style_scale, 1.0f);
  ASSERT_EQ(lineage.steps.size(), 1u);
  const RandomizeStep& step = std::get<RandomizeStep>(lineage.steps[0]);
  EXPECT_EQ(step.parent_sha256, "");  // applied to the root capture
  EXPECT_EQ(step.seed, 8u);
  EXPECT_EQ(step.variant, "a");
  ASSERT_EQ(step.layers.size(), 2u);
  EXPECT_EQ(step.layers[1].layer, "relu3_3");
  EXPECT_EQ(step.layers[1].settings.mode, RandomizeMode::ScaleEigenvectors);

  // The un-randomized reference of a sheet row (two variants make a sheet) has
  // the root alone.
  render(family_, with(kKeep, {"sweep.style_layers=[\"relu2_1\"]",
                               "output.path=\"sweep/s{layer}{variant}.png\""}));
  size_t references = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir_ / "sweep")) {
    const std::string name = entry.path().filename().string();
    if (name.find("-none.style.safetensors") == std::string::npos) continue;
    ++references;
    const Lineage reference = read_style_targets_info(entry.path().string()).lineage;
    EXPECT_EQ(reference.root.kind, LineageRootKind::Images);
    EXPECT_TRUE(reference.steps.empty()) << name;
  }
  EXPECT_EQ(references, 1u);
}

TEST_F(Lineage32, BreedingAppendsAStepNamingTheParent) {
  // The child: the variant with [randomize] on top (seed 20), kept from a 48 px
  // render.
  const fs::path breed = write_targets_config(
      dir_, variant_, "[randomize]\nmode = \"scale_eigenvalues\"\nrange = [0.5, 1.5]\n");
  const std::string child =
      render_kept(breed, {"seed=20", "image_size=48", "optimizer.iterations=1",
                          "output.save_targets=true", "output.path=\"child/c.png\""});
  const StyleTargetsInfo info = read_style_targets_info(child);
  ASSERT_EQ(info.lineage.steps.size(), 2u);
  const RandomizeStep& step = std::get<RandomizeStep>(info.lineage.steps[1]);
  EXPECT_EQ(step.parent_sha256, sha256_file_hex(variant_));
  EXPECT_EQ(step.seed, 20u);
  EXPECT_EQ(step.layers[0].settings.mode, RandomizeMode::ScaleEigenvalues);
  EXPECT_EQ(step.layers[0].settings.lo, 0.5f);
  // Where the Grams were measured: the parent's size, not the render's.
  EXPECT_EQ(info.image_size, 32);
}

}  // namespace
}  // namespace nsrg
