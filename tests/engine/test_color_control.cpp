// style.color and style.color_match in whole renders: a luminance-only render keeps the
// content's chroma; a kept style records its colour control and the content image in its
// lineage, replays bit for bit at its own size, and passes its colour mode on to renders
// that apply it; what does not fit together is one line before rendering.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/image/image.h"
#include "engine/stages/image_style_targets.h"
#include "tests/engine/render_test_support.h"
#include "weights/sha256.h"
#include "weights/style_targets_file.h"

namespace nsrg {
namespace {

using namespace nsrg::testing;
namespace fs = std::filesystem;

class ColorControl : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_scratch_dir("color_control");
    config_ = write_config(dir_, 32, 4, "[init]\nkind = \"image\"\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Renders with `overrides` and keeps the style; the kept file's path.
  std::string render_kept(const std::vector<std::string>& overrides, const std::string& name) {
    std::vector<std::string> all = overrides;
    all.push_back("output.save_targets=true");
    all.push_back("output.path=\"" + name + "/out.png\"");
    const std::vector<RenderedImage> images = render(config_, all);
    EXPECT_EQ(images.size(), 1u);
    return style_targets_path(images.front().path);
  }

  fs::path dir_, config_;
};

double chroma_u(const float* p) {
  return -0.14713 * p[0] - 0.28886 * p[1] + 0.436 * p[2];
}
double chroma_v(const float* p) {
  return 0.615 * p[0] - 0.51499 * p[1] - 0.10001 * p[2];
}

TEST_F(ColorControl, ALuminanceRenderHasTheContentsChroma) {
  const std::vector<RenderedImage> images =
      render(config_, {"style.color=\"luminance\"", "output.levels=\"clamp\""});
  ASSERT_EQ(images.size(), 1u);
  const Image out = read_image(images.front().path);
  const Image content = resize(read_image(example_image("chelsea.png")), out.width, out.height);
  size_t compared = 0;
  for (size_t p = 0; p < size_t(out.width) * size_t(out.height); ++p) {
    const float* o = out.rgb.data() + 3 * p;
    const bool clamped =
        std::min({o[0], o[1], o[2]}) <= 1.0f / 255 || std::max({o[0], o[1], o[2]}) >= 254.0f / 255;
    if (clamped) continue;  // clamping to [0, 1] changes the chroma there
    ++compared;
    const float* c = content.rgb.data() + 3 * p;
    EXPECT_NEAR(chroma_u(o), chroma_u(c), 2.0 / 255) << "pixel " << p;
    EXPECT_NEAR(chroma_v(o), chroma_v(c), 2.0 / 255) << "pixel " << p;
  }
  EXPECT_GT(compared, size_t(out.width) * size_t(out.height) / 2);
}

TEST_F(ColorControl, AKeptStyleRecordsItsColourControlAndReplaysBitForBit) {
  const std::string kept = render_kept({"style.color_match=\"linear\""}, "linear");
  const LineageRoot root = read_style_targets_info(kept).lineage.root;
  EXPECT_EQ(root.color, StyleColor::Full);
  EXPECT_EQ(root.color_match, ColorMatch::Linear);
  EXPECT_EQ(root.color_source.file, example_image("chelsea.png"));
  EXPECT_EQ(root.color_source.sha256, sha256_file_hex(example_image("chelsea.png")));
  // The match changes the Grams (it is not a no-op), and a replay at 32 px gives them back.
  const std::string plain = render_kept({}, "plain");
  EXPECT_NE(read_style_targets(plain).grams.front().data,
            read_style_targets(kept).grams.front().data);
  const fs::path replay_config = write_targets_config(dir_, kept, "");
  const std::vector<RenderedImage> replayed =
      render(replay_config, {"style.replay=true", "output.save_targets=true",
                             "content.layers=[\"relu3_1\"]", "optimizer.iterations=1"});
  ASSERT_EQ(replayed.size(), 1u);
  const StyleTargets a = read_style_targets(kept),
                     b = read_style_targets(style_targets_path(replayed.front().path));
  ASSERT_EQ(a.grams.size(), b.grams.size());
  for (size_t i = 0; i < a.grams.size(); ++i)
    EXPECT_EQ(a.grams[i].data, b.grams[i].data) << a.info.layers[i];
  // Without colour control the root leaves the colour fields out.
  EXPECT_EQ(read_safetensors(plain).metadata.at("nsrg.lineage").find("\"color_match\""),
            std::string::npos);
}

TEST_F(ColorControl, AKeptLuminanceStylePassesItsModeOn) {
  const std::string kept = render_kept({"style.color=\"luminance\""}, "luminance");
  EXPECT_EQ(read_style_targets_info(kept).lineage.root.color, StyleColor::Luminance);
  const fs::path apply = write_targets_config(dir_, kept, "");
  EXPECT_EQ(load_config(apply.string()).style_color, StyleColor::Luminance);
  const std::string error = render_user_error(apply, {"style.color=\"full\""});
  EXPECT_NE(error.find("style.color: is \"full\" but " + kept + " was captured with \"luminance\""),
            std::string::npos)
      << error;
  const std::string match = render_user_error(apply, {"style.color_match=\"histogram\""});
  EXPECT_NE(match.find("style.color_match: recolours style images; style.targets has none"),
            std::string::npos)
      << match;
}

TEST(ColorControlExample, LoadsAsALuminanceTransfer) {
  const RenderConfig config = load_config(std::string(NSRG_SOURCE_DIR) + "/examples/color.toml");
  EXPECT_EQ(config.style_color, StyleColor::Luminance);
  EXPECT_EQ(config.style_color_match, ColorMatch::None);
}

TEST_F(ColorControl, ConflictsAreOneLineNamingTheKey) {
  const std::string both =
      render_user_error(config_, {"style.color=\"luminance\"", "style.color_match=\"linear\""});
  EXPECT_NE(both.find("style.color_match: cannot be used with style.color = \"luminance\""),
            std::string::npos)
      << both;
  EXPECT_EQ(both.find('\n'), std::string::npos);
  const std::string unknown = render_user_error(config_, {"style.color=\"sepia\""});
  EXPECT_NE(unknown.find("style.color"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("luminance"), std::string::npos) << unknown;
}

TEST_F(ColorControl, AReplayNeedsTheRecordedContentImage) {
  fs::copy_file(example_image("chelsea.png"), dir_ / "content.png");
  const std::string kept = render_kept({"content.image=\"" + (dir_ / "content.png").string() + "\"",
                                        "style.color_match=\"histogram\""},
                                       "histogram");
  std::ofstream(dir_ / "content.png", std::ios::app) << "x";
  const fs::path replay_config = write_targets_config(dir_, kept, "");
  const std::string changed = render_user_error(replay_config, {"style.replay=true"});
  EXPECT_NE(
      changed.find("style.replay: colour source (content image) " +
                   (dir_ / "content.png").string() + " of " + kept + "'s lineage has changed"),
      std::string::npos)
      << changed;
}

}  // namespace
}  // namespace nsrg
