// load_config: a missing input file's one-line message says how to fix it where the fix is
// obvious (the download command and the built-in model for weights, a file of nearly the
// same name, a path meant from the current folder), and the download size it quotes is the
// one tools/download_models.sh pins.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <regex>
#include <sstream>

#include "tests/config/config_test_folder.h"

namespace nsrg {
namespace {

namespace fs = std::filesystem;
using testing::ConfigFolder;
using testing::expect_user_error;

const std::string kRenderNow = "--set model=\\\"builtin:vgg19-random\\\"";

// Changes the current folder for one scope.
class CurrentFolder {
 public:
  explicit CurrentFolder(const fs::path& folder) : previous_(fs::current_path()) {
    fs::current_path(folder);
  }
  ~CurrentFolder() { fs::current_path(previous_); }
  CurrentFolder(const CurrentFolder&) = delete;
  CurrentFolder& operator=(const CurrentFolder&) = delete;

 private:
  fs::path previous_;
};

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(MissingFileHint, WeightsInACheckoutNameTheDownloadCommandAndTheBuiltInModel) {
  // A checkout's layout: examples/ beside weights/ and tools/download_models.sh.
  ConfigFolder folder;
  folder.write("tools/download_models.sh", "# stands in for the script\n");
  folder.write("examples/content.png", "dummy");
  folder.write("examples/style_a.png", "dummy");
  const std::string config =
      folder.write_config("", "model = \"../weights/vgg19.safetensors\"", "examples/variants.toml");
  expect_user_error(
      [&] { load_config(config); },
      {config + ": model: file not found: " + folder.path("weights/vgg19.safetensors") +
           "; get it with \"bash " + folder.path("tools/download_models.sh") +
           " vgg19\" (a 575 MB download), or render now with the built-in random-weight VGG-19",
       kRenderNow});

  // From the checkout's root the command is the README's.
  const CurrentFolder at_root(folder.root());
  expect_user_error([&] { load_config(config); },
                    {"; get it with \"bash tools/download_models.sh vgg19\" (a 575 MB download)"});
  const std::string vgg16 =
      folder.write_config("", "model = \"../weights/vgg16.safetensors\"", "examples/vgg16.toml");
  expect_user_error(
      [&] { load_config(vgg16); },
      {"\"bash tools/download_models.sh vgg16\" (a download of about 550 MB)", kRenderNow});
}

TEST(MissingFileHint, WeightsElsewhereNameTheScriptsFolderOption) {
  ConfigFolder folder;
  const std::string config =
      folder.write_config("", "model = \"models/vgg19.safetensors\"", "render.toml");
  expect_user_error(
      [&] { load_config(config); },
      {": model: file not found: " + folder.path("models/vgg19.safetensors") +
           "; get it with \"bash tools/download_models.sh vgg19 --dir " + folder.path("models") +
           "\" in an nsrg-engine checkout (a 575 MB download)",
       kRenderNow});
}

TEST(MissingFileHint, OtherWeightsFilesNameTheBuiltInModel) {
  ConfigFolder folder;
  const std::string config =
      folder.write_config("", "model = \"my_net.safetensors\"", "render.toml");
  const std::string message = expect_user_error(
      [&] { load_config(config); },
      {": model: file not found: " + folder.path("my_net.safetensors") + "; render now with",
       kRenderNow});
  EXPECT_EQ(message.find("download_models"), std::string::npos) << message;
  // Given with --set, the note says so after the hint.
  const std::string plain = folder.write_config("", "", "plain.toml");
  expect_user_error([&] { load_config(plain, {"model=\"gone.safetensors\""}); },
                    {kRenderNow + " (from --set)"});
}

TEST(MissingFileHint, TheDownloadSizeIsTheOneTheScriptPins) {
  const std::string script = read_text(fs::path(NSRG_SOURCE_DIR) / "tools/download_models.sh");
  std::smatch pinned;
  ASSERT_TRUE(std::regex_search(script, pinned,
                                std::regex(R"(VGG_ILSVRC_19_layers\.caffemodel \\\s+(\d+) )")))
      << "the VGG-19 Caffe model's byte count is no longer pinned in tools/download_models.sh";
  const long long bytes = std::stoll(pinned[1]);
  const std::string megabytes = std::to_string(std::llround(double(bytes) / 1e6)) + " MB";
  EXPECT_NE(script.find("vgg19 downloads " + megabytes), std::string::npos)
      << "the script's header does not say " << megabytes;

  ConfigFolder folder;
  const std::string config =
      folder.write_config("", "model = \"weights/vgg19.safetensors\"", "render.toml");
  expect_user_error([&] { load_config(config); }, {"(a " + megabytes + " download)"});
}

TEST(MissingFileHint, ImagesNameAFileOfNearlyTheSameName) {
  ConfigFolder folder;  // holds content.png, style_a.png, style_b.jpg
  const std::string content = folder.write(
      "a.toml", "[content]\nimage = \"content.jpg\"\n[style]\nimages = [\"style_a.png\"]\n");
  expect_user_error([&] { load_config(content); },
                    {": content.image: file not found: " + folder.path("content.jpg") +
                     "; that folder has content.png"});

  const std::string style = folder.write("b.toml",
                                         "[content]\nimage = \"content.png\"\n[style]\nimages = "
                                         "[\"style_a.png\", \"STYLE_B.JPEG\"]\n");
  expect_user_error([&] { load_config(style); },
                    {": style.images[1]: file not found: " + folder.path("STYLE_B.JPEG") +
                     "; that folder has style_b.jpg"});

  folder.write("start.jpeg", "dummy");
  folder.write("start.PNG", "dummy");
  const std::string init = folder.write_config("[init]\nimage = \"start.png\"", "", "c.toml");
  expect_user_error([&] { load_config(init); },
                    {": init.image: file not found: " + folder.path("start.png") +
                     "; that folder has start.PNG or start.jpeg"});
}

TEST(MissingFileHint, NoHintWithoutAnObviousFix) {
  ConfigFolder folder;
  const std::string config = folder.write(
      "a.toml", "[content]\nimage = \"portrait.png\"\n[style]\nimages = [\"style_a.png\"]\n");
  const std::string message = expect_user_error([&] { load_config(config); }, {"portrait.png"});
  EXPECT_EQ(message, config + ": content.image: file not found: " + folder.path("portrait.png"));
  // A folder that is not there: no hint, no error while looking.
  const std::string nested = folder.write(
      "b.toml",
      "[content]\nimage = \"no/such/folder/c.png\"\n[style]\nimages = [\"style_a.png\"]\n");
  const std::string nested_message = expect_user_error([&] { load_config(nested); }, {});
  EXPECT_EQ(nested_message,
            nested + ": content.image: file not found: " + folder.path("no/such/folder/c.png"));
}

TEST(MissingFileHint, APathMeantFromTheCurrentFolderIsNamed) {
  ConfigFolder configs, here;
  here.write("photos/cat.png", "dummy");
  configs.write("style_a.png", "dummy");
  const std::string config = configs.write_config("", "", "render.toml");
  const CurrentFolder inside(here.root());
  expect_user_error([&] { load_config(config, {"content.image=\"photos/cat.png\""}); },
                    {": content.image: file not found: " + configs.path("photos/cat.png") +
                     "; paths in a config are relative to its folder (" + configs.root().string() +
                     "), and the current folder has " + here.path("photos/cat.png") +
                     ": give that path (from --set)"});
}

TEST(MissingFileHint, KeptStylesNameTheSettingThatWritesThem) {
  ConfigFolder folder;
  const std::string config = folder.write(
      "a.toml",
      "[content]\nimage = \"content.png\"\n[style]\ntargets = \"gone.style.safetensors\"\n");
  expect_user_error([&] { load_config(config); },
                    {": style.targets: file not found: " + folder.path("gone.style.safetensors") +
                     "; a render with output.save_targets = true writes one"});
}

}  // namespace
}  // namespace nsrg
