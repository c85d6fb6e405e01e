// Rendering with blended kept styles: blend_kept_styles' linear blend is sum_i w_i G_i of the
// files (float, in order), a parent whose bytes changed since its SHA-256 was recorded is a
// one-line UserError, a three-file Wasserstein blend renders with its memory plan within 15%
// of the measured peak, and the blend's own kept style lists every parent's sources and
// starts its lineage with the blend.
#include <gtest/gtest.h>

#include "engine/backends/backend_factory.h"
#include "engine/core/error.h"
#include "engine/stages/style_blend.h"
#include "tests/engine/memory_plan_test_support.h"
#include "tests/engine/render_test_support.h"
#include "weights/model.h"
#include "weights/sha256.h"
#include "weights/style_targets_file.h"

namespace nsrg {
namespace {

using namespace nsrg::testing;

class BlendRender : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_scratch_dir("blend");
    files_ = keep_family_styles(dir_, 3);
    ASSERT_EQ(files_.size(), 3u);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // The [style] targets list of every kept file.
  std::string targets_list() const {
    std::string list;
    for (const std::string& file : files_) list += (list.empty() ? "\"" : ", \"") + file + "\"";
    return "[" + list + "]";
  }

  std::filesystem::path dir_;
  std::vector<std::string> files_;
};

TEST_F(BlendRender, LinearBlendIsTheWeightedSumOfTheFiles) {
  auto backend = create_backend(BackendChoice::Cpu, BackendOptions{});
  const Model model = load_model("builtin:vgg19-random", "relu3_1");
  Network network(*backend, model, PoolKind::Max);
  StyleBlendStep step;
  step.parents = {{files_[0], "", 0.25f}, {files_[2], "", 0.75f}};
  std::vector<std::string> notes;
  const auto blended = blend_kept_styles(*backend, network, step, {"relu3_1"}, notes);
  EXPECT_TRUE(notes.empty());
  const StyleTargets a = read_style_targets(files_[0]), c = read_style_targets(files_[2]);
  const std::vector<float> got = backend->to_host(blended.at("relu3_1"));
  ASSERT_EQ(got.size(), a.grams[1].data.size());
  for (size_t k = 0; k < got.size(); ++k) {
    float want = 0.0f;
    want += 0.25f * a.grams[1].data[k];
    want += 0.75f * c.grams[1].data[k];
    ASSERT_EQ(got[k], want) << k;
  }
}

TEST_F(BlendRender, AParentThatChangedIsAUserErrorNamingIt) {
  auto backend = create_backend(BackendChoice::Cpu, BackendOptions{});
  const Model model = load_model("builtin:vgg19-random", "relu3_1");
  Network network(*backend, model, PoolKind::Max);
  StyleBlendStep step;
  step.space = BlendSpace::Wasserstein;
  step.parents = {{files_[0], std::string(64, '0'), 0.5f}, {files_[1], "", 0.5f}};
  std::vector<std::string> notes;
  try {
    blend_kept_styles(*backend, network, step, {"relu3_1"}, notes);
    ADD_FAILURE() << "no UserError";
  } catch (const UserError& error) {
    EXPECT_NE(std::string(error.what()).find(files_[0] + ": the file has changed"),
              std::string::npos)
        << error.what();
  }
}

TEST_F(BlendRender, AWassersteinBlendOfThreeRendersWithinItsMemoryPlan) {
  const auto kept = write_targets_config(dir_, files_[0], "");
  const std::vector<RenderedImage> images =
      render(kept, {"style.targets=" + targets_list(), "style.blend_weights=[1, 2, 1]",
                    "style.blend_space=\"wasserstein\"", "output.path=\"out/render.png\"",
                    "output.save_targets=true"});
  ASSERT_EQ(images.size(), 1u);
  expect_plan_within_15_percent(dir_);
  // The blend's kept style: each parent's style image, weighed by the parent's weight.
  const StyleTargetsInfo info = read_style_targets_info(style_targets_path(images[0].path));
  ASSERT_EQ(info.sources.size(), 3u);
  EXPECT_FLOAT_EQ(info.sources[0].blend_weight, 0.25f);
  EXPECT_FLOAT_EQ(info.sources[1].blend_weight, 0.5f);
  EXPECT_FLOAT_EQ(info.sources[2].blend_weight, 0.25f);
  // Its lineage starts with the blend: the space, the weights, each parent by its file's
  // SHA-256 with the parent's own lineage (captured from the style image, one randomize step).
  EXPECT_EQ(info.lineage.root.kind, LineageRootKind::Blend);
  ASSERT_EQ(info.lineage.steps.size(), 1u);
  const BlendStep& blend = std::get<BlendStep>(info.lineage.steps[0]);
  EXPECT_EQ(blend.space, BlendSpace::Wasserstein);
  EXPECT_EQ(blend.weights, (std::vector<float>{0.25f, 0.5f, 0.25f}));
  ASSERT_EQ(blend.parents.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(blend.parents[i].file_sha256, sha256_file_hex(files_[i]));
    EXPECT_EQ(blend.parents[i].lineage.root.kind, LineageRootKind::Images);
    EXPECT_EQ(blend.parents[i].lineage.steps.size(), 1u);
  }
}

}  // namespace
}  // namespace nsrg
