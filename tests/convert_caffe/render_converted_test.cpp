// A converted synthetic VGG-19 (legacy V1 caffemodel, real layer names and shapes) renders:
// the engine loads it as `model = "<file>.safetensors"` and runs a few iterations at 32 px
// with neural-style's layer names; the summary JSON records where the weights came from.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/config/config.h"
#include "engine/image/image.h"
#include "engine/render/render_session.h"
#include "tests/convert_caffe/synthetic_vgg19.h"

namespace nsrg {
namespace {

TEST(RenderConverted, SyntheticVgg19RendersAt32px) {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("nsrg_render_converted_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string weights = test::make_converted_synthetic_vgg19(dir.string());
  const std::string images = std::string(NSRG_SOURCE_DIR) + "/examples/images/";
  {
    std::ofstream config(dir / "config.toml");
    config << "backend = \"cpu\"\nimage_size = 32\nmodel = \"" << weights << "\"\n"
           << "[content]\nimage = \"" << images << "chelsea.png\"\nlayers = [\"relu4_2\"]\n"
           << "[style]\nimages = [\"" << images << "brick.png\"]\n"
           << "layers = [\"relu1_1\", \"relu2_1\", \"relu3_1\", \"relu4_1\", \"relu5_1\"]\n"
           << "[optimizer]\niterations = 5\n[output]\npath = \"out.png\"\nprint_iter = 1\n";
  }
  std::ostringstream log;
  RenderSession session(load_config((dir / "config.toml").string()), log);
  session.run();
  ASSERT_EQ(session.images().size(), 1u);
  const RenderedImage& image = session.images()[0];
  EXPECT_EQ(image.evaluations, 5);
  EXPECT_GT(image.history.front().losses.total, 0.0);
  EXPECT_TRUE(std::isfinite(image.final_losses.total));
  const Image out = read_image((dir / "out.png").string());
  EXPECT_EQ(std::max(out.width, out.height), 32);
  // The progress output names the weights file; the summary keeps where they came from.
  EXPECT_NE(log.str().find("model: " + fs::path(weights).filename().string() + "\n"),
            std::string::npos)
      << log.str();
  std::ifstream summary_file(dir / "out.json");
  const nlohmann::json summary = nlohmann::json::parse(summary_file);
  EXPECT_NE(summary.at("model_source").get<std::string>().find("synthetic_vgg19.caffemodel"),
            std::string::npos)
      << summary.at("model_source");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace nsrg
