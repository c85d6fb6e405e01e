// End-to-end renders on the CPU backend: the loss falls, outputs and the summary JSON are
// written, the same seed reproduces an image, and variants rendered together equal the
// same variants rendered one by one.
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "engine/image/image.h"
#include "tests/engine/render_test_support.h"

namespace nsrg {
namespace {

using namespace nsrg::testing;

nlohmann::json read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

TEST(RenderEndToEnd, LossFallsTenfoldIn50IterationsAt64px) {
  const auto dir = make_scratch_dir("e2e64");
  const auto config = write_config(dir, 64, 50);
  const std::vector<RenderedImage> images = render(config);
  ASSERT_EQ(images.size(), 1u);
  const RenderedImage& r = images[0];
  EXPECT_EQ(r.evaluations, 50);
  ASSERT_GE(r.history.size(), 2u);
  EXPECT_EQ(r.history.front().iteration, 1);
  const double first = r.history.front().losses.total;
  const double last = r.final_losses.total;
  EXPECT_GT(first, 0);
  EXPECT_LT(last * 10.0, first) << "first " << first << " last " << last;

  const Image out = read_image((dir / "out/render.png").string());
  EXPECT_EQ(std::max(out.width, out.height), 64);
  const nlohmann::json summary = read_json(dir / "out/render.json");
  ASSERT_TRUE(summary.contains("history"));
  EXPECT_EQ(summary["history"][0]["iteration"], 1);
  for (const auto& entry : summary["history"])
    for (const char* key : {"iteration", "total", "content", "style", "tv"})
      EXPECT_TRUE(entry.contains(key)) << key;
  EXPECT_EQ(summary["config"]["image_size"], 64);
  // At least the image, its gradient and the first conv layer's output were held at once.
  EXPECT_GT(summary["peak_memory_bytes"].get<double>(), 3.0 * 64 * 43 * 4 * 2 + 64.0 * 64 * 43 * 4);
  std::filesystem::remove_all(dir);
}

TEST(RenderEndToEnd, IntermediateSavesAndRawOutput) {
  const auto dir = make_scratch_dir("saves");
  const auto config = write_config(dir, 32, 6);
  render(config, {"output.save_iter=2", "output.save_raw=true"});
  EXPECT_TRUE(std::filesystem::exists(dir / "out/render_2.png"));
  EXPECT_TRUE(std::filesystem::exists(dir / "out/render_4.png"));
  EXPECT_FALSE(std::filesystem::exists(dir / "out/render_6.png"));  // the final image instead
  EXPECT_TRUE(std::filesystem::exists(dir / "out/render.png"));
  EXPECT_TRUE(std::filesystem::exists(dir / "out/render_raw.png"));
  std::filesystem::remove_all(dir);
}

TEST(RenderEndToEnd, SameSeedSameImageOtherSeedDifferent) {
  const auto dir = make_scratch_dir("seeds");
  const auto config = write_config(dir, 32, 8);
  const std::string randomized = "randomize.mode=\"scale_eigenvectors\"";
  render(config, {randomized, "output.path=\"a.png\""});
  render(config, {randomized, "output.path=\"b.png\""});
  render(config, {randomized, "output.path=\"c.png\"", "seed=8"});
  const Image a = read_image((dir / "a.png").string());
  const Image b = read_image((dir / "b.png").string());
  const Image c = read_image((dir / "c.png").string());
  EXPECT_EQ(a.rgb, b.rgb);
  EXPECT_NE(a.rgb, c.rgb);
  std::filesystem::remove_all(dir);
}

TEST(RenderEndToEnd, VariantsInOneProcessEqualVariantsOneByOne) {
  const auto dir = make_scratch_dir("variants");
  const auto config =
      write_config(dir, 32, 6, "[randomize]\nmode = \"scale_eigenvectors\"\nvariants = 3\n");
  const std::string layers = "style.layers=[\"relu3_3\"]";
  const std::vector<RenderedImage> together = render(config, {layers, "output.path=\"v/x.png\""});
  ASSERT_EQ(together.size(), 3u);
  EXPECT_EQ(together[1].path, (dir / "v/x-b.png").string());
  // Variant c is seed 7 + 2; rendered alone it must be the same picture.
  render(config, {layers, "randomize.variants=1", "seed=9", "output.path=\"alone.png\""});
  const Image batch_c = read_image(together[2].path);
  const Image alone = read_image((dir / "alone.png").string());
  EXPECT_EQ(batch_c.rgb, alone.rgb);
  EXPECT_NE(read_image(together[0].path).rgb, batch_c.rgb);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nsrg
