// Lineage in every kept style and style.replay: a variant's file records its root and its
// randomize step, a bred child appends a step naming its parent by SHA-256; replaying a
// file at its own size gives back its Grams bit for bit (CPU), at another size the Grams a
// direct render at that size makes with the same seeds, at every [[stages]] size; a blend of
// kept styles (with a randomization on top) replays its parents and blends them again, bit
// for bit at its own size and as a blend of direct renders at another; what cannot be
// replayed stops the run with one line before rendering.
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

// The Grams of two files, byte for byte.
void expect_same_grams(const std::string& a, const std::string& b) {
  const StyleTargets x = read_style_targets(a), y = read_style_targets(b);
  ASSERT_EQ(x.info.layers, y.info.layers);
  ASSERT_EQ(x.grams.size(), y.grams.size());
  for (size_t i = 0; i < x.grams.size(); ++i) {
    EXPECT_EQ(x.grams[i].shape, y.grams[i].shape) << x.info.layers[i];
    EXPECT_EQ(x.grams[i].data, y.grams[i].data) << x.info.layers[i] << " of " << a << " and " << b;
  }
}

// The one line a render stops with.
std::string user_error_of(const fs::path& config, const std::vector<std::string>& overrides) {
  const std::string error = render_user_error(config, overrides);
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  return error;
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

  // The family config reads dir_/style.jpg (a copy the tests may change or remove).
  void replace_style_image(const fs::path& config) {
    std::ifstream in(config);
    std::stringstream text;
    text << in.rdbuf();
    std::string toml = text.str();
    const std::string original = example_image("hubble_deep_field.jpg");
    toml.replace(toml.find(original), original.size(), (dir_ / "style.jpg").string());
    std::ofstream(config) << toml;
  }

  // A render of the kept style `file` with style.replay at `size`, keeping the replayed
  // Grams (no randomization on top); the kept file it writes.
  std::string replay(const std::string& file, int size, const std::string& name,
                     const std::string& extra = "") {
    const fs::path config = write_targets_config(dir_, file, extra);
    return render_kept(config, {"style.replay=true", "image_size=" + std::to_string(size),
                                "optimizer.iterations=1", "output.save_targets=true",
                                "output.path=\"replay/" + name + ".png\""});
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

  // The un-randomized reference of a sheet row (two variants make a sheet) has the root alone.
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

TEST_F(Lineage32, ReplayAtTheFilesOwnSizeGivesItsGramsBitForBit) {
  expect_same_grams(replay(variant_, 32, "same"), variant_);
  const StyleTargetsInfo info = read_style_targets_info(replay(variant_, 32, "same"));
  EXPECT_EQ(info.image_size, 32);
  EXPECT_EQ(info.lineage.steps.size(), 1u);  // a replay without [randomize] adds no step
}

TEST_F(Lineage32, BreedingAppendsAStepNamingTheParentAndReplaysBitForBit) {
  // The child: the variant with [randomize] on top (seed 20), kept from a 48 px render.
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

  expect_same_grams(replay(child, 32, "child32"), child);

  // At 48 px: the same as breeding at 48 px from a variant rendered at 48 px.
  const std::string variant48 =
      render_kept(family_, with(kKeep, {"seed=8", "randomize.variants=1", "image_size=48",
                                        "output.path=\"family48/v.png\""}));
  const fs::path breed48 = write_targets_config(
      dir_, variant48, "[randomize]\nmode = \"scale_eigenvalues\"\nrange = [0.5, 1.5]\n");
  const std::string child48 =
      render_kept(breed48, {"seed=20", "image_size=48", "optimizer.iterations=1",
                            "output.save_targets=true", "output.path=\"child48/c.png\""});
  expect_same_grams(replay(child, 48, "child48"), child48);
}

TEST_F(Lineage32, ReplayAtAnotherSizeEqualsADirectRenderAtThatSize) {
  const std::string direct =
      render_kept(family_, with(kKeep, {"seed=8", "randomize.variants=1", "image_size=48",
                                        "output.path=\"direct48/v.png\""}));
  const std::string replayed = replay(variant_, 48, "at48");
  expect_same_grams(replayed, direct);
  EXPECT_EQ(read_style_targets(replayed).grams[1].shape, (std::vector<int64_t>{256, 256}));
  EXPECT_EQ(read_style_targets_info(replayed).image_size, 48);
  // The 32 px Grams differ: the style images were captured at another size.
  EXPECT_NE(read_style_targets(replayed).grams[1].data, read_style_targets(variant_).grams[1].data);
}

TEST_F(Lineage32, StagesReplayTheStyleAtEveryStageSize) {
  // Two stages, 32 then 48 px: the kept file holds the last stage's targets, replayed at 48.
  const std::string direct =
      render_kept(family_, with(kKeep, {"seed=8", "randomize.variants=1", "image_size=48",
                                        "output.path=\"direct48/v.png\""}));
  const std::string staged = replay(variant_, 32, "staged",
                                    "[[stages]]\nimage_size = 32\niterations = 1\n[[stages]]\n"
                                    "image_size = 48\niterations = 1\n");
  expect_same_grams(staged, direct);
}

TEST_F(Lineage32, WhatCannotBeReplayedIsOneLineBeforeRendering) {
  const fs::path kept = write_targets_config(dir_, variant_, "");
  // Without style.targets.
  const std::string no_targets = user_error_of(family_, {"style.replay=true"});
  EXPECT_NE(no_targets.find("style.replay: needs style.targets"), std::string::npos) << no_targets;

  // A changed root image, then a missing one.
  std::ofstream(dir_ / "style.jpg", std::ios::app) << "x";
  const std::string changed = user_error_of(kept, {"style.replay=true"});
  EXPECT_NE(changed.find("style.replay: style image " + (dir_ / "style.jpg").string() + " of " +
                         variant_ + "'s lineage has changed"),
            std::string::npos)
      << changed;
  fs::remove(dir_ / "style.jpg");
  const std::string missing = user_error_of(kept, {"style.replay=true"});
  EXPECT_NE(missing.find("style image " + (dir_ / "style.jpg").string() + " of " + variant_ +
                         "'s lineage is missing"),
            std::string::npos)
      << missing;
  EXPECT_FALSE(fs::exists(dir_ / "kept"));  // nothing was rendered

  // A format-1 file: its root is unknown.
  SafetensorsFile file = read_safetensors(variant_);
  file.metadata["nsrg.style_targets"] = "1";
  file.metadata.erase("nsrg.lineage");
  std::vector<TensorView> views;
  for (const auto& [name, tensor] : file.tensors)
    views.push_back({name, tensor.shape, tensor.data.data()});
  const std::string old = (dir_ / "old.style.safetensors").string();
  write_safetensors(old, file.metadata, views);
  const fs::path kept_old = write_targets_config(dir_, old, "");
  EXPECT_NO_THROW(load_config(kept_old.string()));  // still a kept style
  const std::string unknown = user_error_of(kept_old, {"style.replay=true"});
  EXPECT_NE(unknown.find("style.replay: " + old + " has no lineage to replay (its root is unknown"),
            std::string::npos)
      << unknown;
}

class BlendLineage32 : public Lineage32 {
 protected:
  // Variant b's kept style (seed 8, style.jpg) and another from style2.png (seed 9), both at
  // `size`, blended in Wasserstein space at `size` with a randomization on top (seed 30).
  std::string blend_at(int size, const std::string& name) {
    const std::string px = "image_size=" + std::to_string(size);
    const std::string first =
        size == 32 ? variant_
                   : render_kept(family_, with(kKeep, {"seed=8", "randomize.variants=1", px,
                                                       "output.path=\"" + name + "a/v.png\""}));
    const std::string second = render_kept(
        family_, with(kKeep, {"seed=9", "randomize.variants=1", px,
                              "style.images=[\"" + (dir_ / "style2.png").string() + "\"]",
                              "output.path=\"" + name + "b/v.png\""}));
    const fs::path config = write_targets_config(
        dir_, first, "[randomize]\nmode = \"scale_eigenvalues\"\nrange = [0.5, 1.5]\n");
    return render_kept(
        config, {"style.targets=[\"" + first + "\", \"" + second + "\"]",
                 "style.blend_space=\"wasserstein\"", "style.blend_weights=[0.25, 0.75]", "seed=30",
                 px, "optimizer.iterations=1", "output.save_targets=true",
                 "output.path=\"" + name + "/b.png\""});
  }
  void SetUp() override {
    Lineage32::SetUp();
    fs::copy_file(example_image("coffee.png"), dir_ / "style2.png");
  }
};

TEST_F(BlendLineage32, ABlendReplaysBitForBitAtItsOwnSizeAndAsADirectBlendAtAnother) {
  const std::string blend = blend_at(32, "blend32");
  const Lineage lineage = read_style_targets_info(blend).lineage;
  ASSERT_EQ(lineage.root.kind, LineageRootKind::Blend);
  ASSERT_EQ(lineage.steps.size(), 2u);  // the blend, then the randomization on top
  ASSERT_EQ(image_roots(lineage).size(), 2u);
  EXPECT_EQ(image_roots(lineage)[1]->style_images[0].file, (dir_ / "style2.png").string());

  const std::string same = replay(blend, 32, "blend_same");
  expect_same_grams(same, blend);
  const StyleTargetsInfo info = read_style_targets_info(same);
  EXPECT_EQ(info.image_size, 32);
  EXPECT_EQ(info.style_scale, 1.0f);
  EXPECT_EQ(info.lineage.root.kind, LineageRootKind::Blend);  // the lineage goes on

  // At 48 px: the blend of the parents rendered at 48 px, blended at 48 px.
  expect_same_grams(replay(blend, 48, "blend48"), blend_at(48, "direct48"));
}

TEST_F(BlendLineage32, AMissingRootImageOfABlendParentIsOneLineNamingIt) {
  const std::string blend = blend_at(32, "blend32");
  const fs::path kept = write_targets_config(dir_, blend, "");
  fs::remove(dir_ / "style2.png");
  const std::string missing = user_error_of(kept, {"style.replay=true"});
  EXPECT_NE(missing.find("style.replay: style image " + (dir_ / "style2.png").string() + " of " +
                         blend + "'s lineage (blend parent 2 of 2, SHA-256 "),
            std::string::npos)
      << missing;
  EXPECT_NE(missing.find(") is missing"), std::string::npos) << missing;
}

}  // namespace
}  // namespace nsrg
