// Morph paths ([path]): where each frame lies (open path and closed loop), a frame's Grams
// against the blend code called directly (CPU, bit for bit), and a small path render with
// the built-in model: its frames and summary, each frame started from the previous one's
// result, and the animated WebP decoded back to the PNG frames' pixels.
#include <gtest/gtest.h>
#include <webp/demux.h>

#include <cmath>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "engine/backends/backend_factory.h"
#include "engine/image/image_output.h"
#include "engine/stages/image_style_targets.h"
#include "engine/stages/morph_path.h"
#include "tests/engine/render_test_support.h"
#include "weights/model.h"

namespace nsrg {
namespace {

using namespace nsrg::testing;

MorphPath path_of(std::vector<std::string> styles, int frames) {
  MorphPath path;
  path.given = true;
  path.styles = std::move(styles);
  path.frames = frames;
  return path;
}

struct Place {
  double t;
  int segment;
  double segment_t;
};

void expect_places(const MorphPath& path, const std::vector<Place>& want) {
  const std::vector<PathFrame> frames = path_frames(path);
  ASSERT_EQ(frames.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(frames[i].index, int(i));
    EXPECT_DOUBLE_EQ(frames[i].t, want[i].t) << i;
    EXPECT_EQ(frames[i].segment, want[i].segment) << i;
    EXPECT_DOUBLE_EQ(frames[i].segment_t, want[i].segment_t) << i;
  }
}

TEST(PathFrames, AnOpenPathSpreadsTheFramesOverItsSegmentsWithBothEnds) {
  EXPECT_FALSE(is_closed_path(path_of({"a", "b", "c"}, 5)));
  expect_places(path_of({"a", "b", "c"}, 5),
                {{0, 0, 0}, {0.25, 0, 0.5}, {0.5, 1, 0}, {0.75, 1, 0.5}, {1, 1, 1}});
  expect_places(path_of({"a", "b"}, 2), {{0, 0, 0}, {1, 0, 1}});
  expect_places(path_of({"a", "b"}, 3), {{0, 0, 0}, {0.5, 0, 0.5}, {1, 0, 1}});
  // Frames that do not land on a style: u = i * 2 / 3.
  expect_places(path_of({"a", "b", "c"}, 4),
                {{0, 0, 0}, {1.0 / 3, 0, 2.0 / 3}, {2.0 / 3, 1, 1.0 / 3}, {1, 1, 1}});
}

TEST(PathFrames, AClosedLoopDoesNotRepeatItsFirstFrame) {
  EXPECT_TRUE(is_closed_path(path_of({"a", "b", "a"}, 4)));
  expect_places(path_of({"a", "b", "a"}, 4),
                {{0, 0, 0}, {0.25, 0, 0.5}, {0.5, 1, 0}, {0.75, 1, 0.5}});
  expect_places(path_of({"a", "b", "c", "a"}, 3), {{0, 0, 0}, {1.0 / 3, 1, 0}, {2.0 / 3, 2, 0}});
}

TEST(PathFrames, AFrameBlendsItsSegmentsEnds) {
  MorphPath path = path_of({"a", "b", "c"}, 5);
  path.space = BlendSpace::LogEuclidean;
  const StyleBlendStep step = frame_blend_step(path, path_frames(path)[3]);
  EXPECT_EQ(step.space, BlendSpace::LogEuclidean);
  ASSERT_EQ(step.parents.size(), 2u);
  EXPECT_EQ(step.parents[0].file, "b");
  EXPECT_EQ(step.parents[1].file, "c");
  EXPECT_EQ(step.parents[0].weight, 0.5f);
  EXPECT_EQ(step.parents[1].weight, 0.5f);
  const StyleBlendStep end = frame_blend_step(path, path_frames(path)[4]);
  EXPECT_EQ(end.parents[0].weight, 0.0f);
  EXPECT_EQ(end.parents[1].weight, 1.0f);
}

// Two kept styles of the built-in model (variants a and b of a family at 32 px).
class MorphPathRender : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_scratch_dir("morph");
    files_ = keep_family_styles(dir_, 2);
    ASSERT_EQ(files_.size(), 2u);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A path config from a to b (and back when `closed`), at 32 px, Adam at learning rate 10.
  std::filesystem::path write_path_config(int frames, bool closed, const std::string& extra) {
    const std::filesystem::path path = dir_ / "morph.toml";
    std::ofstream out(path);
    out << "backend = \"cpu\"\nseed = 7\nimage_size = 32\n"
        << "[content]\nimage = \"" << example_image("chelsea.png") << "\"\n"
        << "layers = [\"relu3_1\"]\nweight = 60.0\n"
        << "[path]\nstyles = [\"" << files_[0] << "\", \"" << files_[1] << "\""
        << (closed ? ", \"" + files_[0] + "\"" : "") << "]\nframes = " << frames << "\n"
        << extra << "[init]\nkind = \"image\"\n"
        << "[optimizer]\nkind = \"adam\"\niterations = 20\n"
        << "[output]\npath = \"out/m.png\"\nlevels = \"clamp\"\nprint_iter = 0\nsave_iter = 0\n";
    return path;
  }

  std::filesystem::path dir_;
  std::vector<std::string> files_;
};

TEST_F(MorphPathRender, AFramesGramsAreTheBlendCodesAtItsPlace) {
  auto backend = create_backend(BackendChoice::Cpu, BackendOptions{});
  const Model model = load_model("builtin:vgg19-random", "relu3_1");
  Network network(*backend, model, PoolKind::Max);
  const std::vector<std::string> layers{"relu2_1", "relu3_1"};
  const auto a = load_style_targets(*backend, network, files_[0], layers);
  const auto b = load_style_targets(*backend, network, files_[1], layers);
  const MorphPath path = path_of({files_[0], files_[1], files_[0]}, 5);  // closed: u = 0.4 i
  for (const PathFrame& frame : path_frames(path)) {
    std::vector<std::string> notes;
    const auto grams = frame_grams(*backend, network, path, frame, layers, notes);
    const auto& from = frame.segment == 0 ? a : b;
    const auto& to = frame.segment == 0 ? b : a;
    for (const std::string& layer : layers) {
      Tensor want = backend->empty(from.at(layer).shape());
      blend_grams(*backend, {&from.at(layer), &to.at(layer)},
                  {float(1.0 - frame.segment_t), float(frame.segment_t)}, BlendSpace::Wasserstein,
                  want);
      EXPECT_EQ(backend->to_host(grams.at(layer)), backend->to_host(want))
          << "frame " << frame.index << " " << layer;
    }
  }
  // Frame 0 lies on the first style: its Grams are the file's.
  std::vector<std::string> notes;
  const auto first = frame_grams(*backend, network, path, path_frames(path)[0], layers, notes);
  for (const std::string& layer : layers)
    EXPECT_EQ(backend->to_host(first.at(layer)), backend->to_host(a.at(layer)));
}

// The frames of an animated WebP as 8-bit RGB (alpha dropped).
std::vector<std::vector<unsigned char>> decode_webp_frames(const std::string& path, int& width,
                                                           int& height, int& loops) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  WebPData data{reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()};
  WebPAnimDecoderOptions options;
  EXPECT_TRUE(WebPAnimDecoderOptionsInit(&options));
  options.color_mode = MODE_RGBA;
  const std::unique_ptr<WebPAnimDecoder, void (*)(WebPAnimDecoder*)> decoder(
      WebPAnimDecoderNew(&data, &options), WebPAnimDecoderDelete);
  std::vector<std::vector<unsigned char>> frames;
  if (!decoder) {
    ADD_FAILURE() << path << ": not an animated WebP";
    return frames;
  }
  WebPAnimInfo info;
  EXPECT_TRUE(WebPAnimDecoderGetInfo(decoder.get(), &info));
  width = int(info.canvas_width);
  height = int(info.canvas_height);
  loops = int(info.loop_count);
  while (WebPAnimDecoderHasMoreFrames(decoder.get())) {
    uint8_t* rgba = nullptr;
    int timestamp = 0;
    EXPECT_TRUE(WebPAnimDecoderGetNext(decoder.get(), &rgba, &timestamp));
    std::vector<unsigned char> rgb;
    for (size_t i = 0; i < size_t(width) * size_t(height); ++i)
      rgb.insert(rgb.end(), rgba + 4 * i, rgba + 4 * i + 3);
    frames.push_back(std::move(rgb));
  }
  return frames;
}

std::vector<unsigned char> png_bytes(const std::string& path) {
  std::vector<unsigned char> bytes;
  for (float v : read_image(path).rgb) bytes.push_back((unsigned char)std::lround(v * 255.0f));
  return bytes;
}

TEST_F(MorphPathRender, FramesStartFromThePreviousOneAndTheWebPHoldsThem) {
  const std::vector<RenderedImage> frames =
      render(write_path_config(3, true, "iterations = 1\nframe_ms = 80\n"));
  ASSERT_EQ(frames.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(frames[size_t(i)].path,
              (dir_ / "out" / ("m-00" + std::to_string(i) + ".png")).string());
    ASSERT_TRUE(frames[size_t(i)].frame);
    EXPECT_EQ(frames[size_t(i)].evaluations, i == 0 ? 20 : 1);  // path.iterations after frame 0
  }
  // One Adam step moves each value by at most the learning rate (10 in 0..255): a frame that
  // starts from the previous one stays within that of it (plus 8-bit rounding), while frame 0,
  // 20 steps from the content image, is far from where a fresh start would begin.
  const std::vector<unsigned char> f0 = png_bytes(frames[0].path), f1 = png_bytes(frames[1].path);
  const Image content = load_image_at_size(example_image("chelsea.png"), 32);
  ASSERT_EQ(f0.size(), content.rgb.size());
  int largest_step = 0;
  double from_content = 0;
  for (size_t i = 0; i < f0.size(); ++i) {
    largest_step = std::max(largest_step, std::abs(int(f1[i]) - int(f0[i])));
    from_content += std::abs(f0[i] / 255.0 - content.rgb[i]);
  }
  EXPECT_LE(largest_step, 11);
  EXPECT_GT(from_content / double(f0.size()), 3 * 11 / 255.0);

  // The summary lists the frames: place, file, final losses; and the animation.
  std::ifstream summary_file(dir_ / "out/m.json");
  const nlohmann::json summary = nlohmann::json::parse(summary_file);
  const nlohmann::json& listed = summary.at("path").at("frames");
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_DOUBLE_EQ(listed[1].at("t").get<double>(), 1.0 / 3);
  EXPECT_EQ(listed[1].at("segment"), 0);
  EXPECT_DOUBLE_EQ(listed[1].at("segment_t").get<double>(), 2.0 / 3);
  EXPECT_EQ(listed[2].at("segment"), 1);
  EXPECT_EQ(listed[2].at("file"), frames[2].path);
  EXPECT_DOUBLE_EQ(listed[2].at("final_losses").at("total").get<double>(),
                   frames[2].final_losses.total);
  const std::string animation = (dir_ / "out/m.webp").string();
  EXPECT_EQ(summary.at("path").at("animation"), animation);

  // The WebP decodes back to the PNG frames, pixel for pixel, looping forever.
  int width = 0, height = 0, loops = -1;
  const auto decoded = decode_webp_frames(animation, width, height, loops);
  ASSERT_EQ(decoded.size(), 3u);
  const Image first = read_image(frames[0].path);
  EXPECT_EQ(width, first.width);
  EXPECT_EQ(height, first.height);
  EXPECT_EQ(loops, 0);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(decoded[i], png_bytes(frames[i].path)) << "frame " << i;

  // The gallery page shows the animation and names every frame.
  std::ifstream page_file(dir_ / "out/index.html");
  const std::string page((std::istreambuf_iterator<char>(page_file)),
                         std::istreambuf_iterator<char>());
  EXPECT_NE(page.find("<img class=\"animation\" src=\"m.webp\""), std::string::npos);
  EXPECT_NE(page.find("002, t 0.667, segment 1 at 0.333"), std::string::npos);
}

}  // namespace
}  // namespace nsrg
