// load_config: every kind of user mistake gives one UserError line naming the file and key.
#include <gtest/gtest.h>

#include "tests/config/config_test_folder.h"

namespace nsrg {
namespace {

using testing::ConfigFolder;
using testing::expect_user_error;

// One bad config: TOML pieces and the parts its error message must contain (besides the
// config path).
struct BadConfig {
  std::string top_level, content_keys, style_keys, sections;
  std::vector<std::string> expected;
};

std::string write_bad_config(const ConfigFolder& folder, const BadConfig& bad) {
  return folder.write("bad.toml", bad.top_level + "\n[content]\nimage = \"content.png\"\n" +
                                      bad.content_keys + "\n[style]\nimages = [\"style_a.png\"]\n" +
                                      bad.style_keys + "\n" + bad.sections + "\n");
}

void expect_each_fails(const std::vector<BadConfig>& cases) {
  ConfigFolder folder;
  for (const BadConfig& bad : cases) {
    const std::string path = write_bad_config(folder, bad);
    std::vector<std::string> expected = bad.expected;
    expected.insert(expected.begin(), path + ": ");
    const std::string message = expect_user_error([&] { load_config(path); }, expected);
    EXPECT_EQ(message.rfind(path, 0), 0u) << "message does not start with the path: " << message;
  }
}

TEST(ConfigErrors, UnknownKeys) {
  expect_each_fails({
      {"", "", "wieght = 3", "", {"unknown key \"style.wieght\""}},
      {"colour = 1", "", "", "", {"unknown key \"colour\""}},
      {"", "", "", "[outputs]\npath = \"a.png\"", {"unknown key \"outputs\""}},
      {"",
       "",
       "",
       "[randomize.layers.relu1_1]\nmode = \"random_gram\"\nvariants = 2",
       {"unknown key \"randomize.layers.relu1_1.variants\""}},
      {"", "", "", "[optimizer]\nlr = 1", {"unknown key \"optimizer.lr\""}},
  });
}

TEST(ConfigErrors, WrongTypes) {
  expect_each_fails({
      {"", "", "weight = \"heavy\"", "", {"style.weight: expected a number, got string"}},
      {"",
       "",
       "",
       "[optimizer]\niterations = 5.0",
       {"optimizer.iterations: expected an integer, got float"}},
      {"seed = 1.5", "", "", "", {"seed: expected an integer, got float"}},
      {"backend = 3", "", "", "", {"backend: expected a string, got integer"}},
      {"",
       "",
       "",
       "[loss]\nnormalize_gradients = 1",
       {"loss.normalize_gradients: expected a boolean, got integer"}},
      {"",
       "layers = \"relu4_2\"",
       "",
       "",
       {"content.layers: expected an array of strings, got string"}},
      {"",
       "",
       "layers = [\"relu1_1\", 2]",
       "",
       {"style.layers[1]: expected a string, got integer"}},
      {"",
       "",
       "",
       "[output]\npercentiles = [1, \"x\"]",
       {"output.percentiles[1]: expected a number, got string"}},
      {"network = 3", "", "", "", {"network: expected a table, got integer"}},
      {"",
       "",
       "",
       "[randomize]\nlayers.relu1_1 = 5",
       {"randomize.layers.relu1_1: expected a table, got integer"}},
      {"", "", "", "[init]\nimage = 1979-05-27", {"init.image: expected a string, got date"}},
  });
}

TEST(ConfigErrors, ValuesOutOfRange) {
  expect_each_fails({
      {"", "", "", "[optimizer]\niterations = 0", {"optimizer.iterations: must be >= 1 (got 0)"}},
      {"",
       "",
       "",
       "[optimizer]\niterations = 10000001",
       {"optimizer.iterations: must be <= 10000000 (got 10000001)"}},
      {"image_size = 15", "", "", "", {"image_size: must be >= 16 (got 15)"}},
      {"image_size = 16385", "", "", "", {"image_size: must be <= 16384 (got 16385)"}},
      {"seed = -1", "", "", "", {"seed: must be >= 0 (got -1)"}},
      {"threads = -2", "", "", "", {"threads: must be >= 0 (got -2)"}},
      {"", "weight = -1", "", "", {"content.weight: must be >= 0 (got -1)"}},
      {"", "", "weight = -0.5", "", {"style.weight: must be >= 0 (got -0.5)"}},
      {"", "", "weight = inf", "", {"style.weight: must be a finite number"}},
      {"", "", "weight = nan", "", {"style.weight: must be a finite number"}},
      {"",
       "",
       "weight = 1e300",
       "",
       {"style.weight: cannot be stored as a 32-bit float (got 1e+300)"}},
      {"", "", "", "[loss]\ntv_weight = -1e-3", {"loss.tv_weight: must be >= 0"}},
      {"", "", "scale = 0", "", {"style.scale: must be > 0 (got 0)"}},
      {"", "", "scale = 10.5", "", {"style.scale: must be <= 10 (got 10.5)"}},
      {"",
       "",
       "",
       "[optimizer]\nlearning_rate = 0",
       {"optimizer.learning_rate: must be > 0 (got 0)"}},
      {"", "", "", "[optimizer]\nhistory = 0", {"optimizer.history: must be >= 1 (got 0)"}},
      {"", "", "", "[optimizer]\nhistory = 1001", {"optimizer.history: must be <= 1000"}},
      {"", "", "", "[optimizer]\nbeta1 = 1", {"optimizer.beta1: must be < 1 (got 1)"}},
      {"", "", "", "[optimizer]\nbeta2 = -0.1", {"optimizer.beta2: must be >= 0 (got -0.1)"}},
      {"", "", "", "[optimizer]\nepsilon = 0", {"optimizer.epsilon: must be > 0 (got 0)"}},
      {"",
       "",
       "",
       "[optimizer]\nepsilon = 1e-50",
       {"optimizer.epsilon: cannot be stored as a 32-bit float (got 1e-50)"}},
      {"", "", "", "[output]\nprint_iter = -1", {"output.print_iter: must be >= 0 (got -1)"}},
      {"", "", "", "[output]\nsave_iter = -5", {"output.save_iter: must be >= 0 (got -5)"}},
      {"",
       "",
       "",
       "[output]\npercentiles = [50, 50]",
       {"output.percentiles: low must be < high (got [50, 50])"}},
      {"",
       "",
       "",
       "[output]\npercentiles = [-1, 50]",
       {"output.percentiles[0]: must be >= 0 (got -1)"}},
      {"",
       "",
       "",
       "[output]\npercentiles = [1, 100.5]",
       {"output.percentiles[1]: must be <= 100 (got 100.5)"}},
      {"",
       "",
       "",
       "[output]\npercentiles = [1, 2, 3]",
       {"output.percentiles: expected 2 numbers [low, high], got 3"}},
      {"",
       "",
       "",
       "[randomize]\nrange = [1.5, 0.5]",
       {"randomize.range: low must be <= high (got [1.5, 0.5])"}},
      {"", "", "", "[randomize]\nrange = [-1, 1]", {"randomize.range[0]: must be >= 0 (got -1)"}},
      {"",
       "",
       "",
       "[randomize.layers.relu2_1]\nrange = [2, 1]",
       {"randomize.layers.relu2_1.range: low must be <= high"}},
      {"", "", "", "[randomize]\nmix = 1.5", {"randomize.mix: must be <= 1 (got 1.5)"}},
      {"",
       "",
       "",
       "[randomize.layers.relu1_1]\nmix = -0.5",
       {"randomize.layers.relu1_1.mix: must be >= 0 (got -0.5)"}},
      {"", "", "", "[randomize]\nvariants = 0", {"randomize.variants: must be >= 1 (got 0)"}},
      {"",
       "",
       "",
       "[randomize]\nvariants = 1001",
       {"randomize.variants: must be <= 1000 (got 1001)"}},
      {"",
       "",
       "",
       "[randomize]\nmin_distance = -0.1",
       {"randomize.min_distance: must be >= 0 (got -0.1)"}},
      {"",
       "",
       "",
       "[randomize]\nmin_distance = 2.5",
       {"randomize.min_distance: must be <= 2 (got 2.5)"}},
      {"",
       "",
       "",
       "[randomize]\nmax_redraws = -1",
       {"randomize.max_redraws: must be >= 0 (got -1)"}},
      {"",
       "",
       "",
       "[randomize]\nmax_redraws = 1000000",
       {"randomize.max_redraws: must be <= 100 (each redraw randomizes every layer of a variant "
        "again) (got 1000000)"}},
      {"",
       "",
       "",
       "[randomize.layers.relu1_1]\nmin_distance = 0.5",
       {"unknown key \"randomize.layers.relu1_1.min_distance\""}},
  });
}

TEST(ConfigErrors, BlendWeights) {
  ConfigFolder folder;
  auto write_style = [&](const std::string& blend_weights) {
    return folder.write("weights.toml",
                        "[content]\nimage = \"content.png\"\n[style]\nimages = [\"style_a.png\", "
                        "\"style_b.jpg\"]\nblend_weights = " +
                            blend_weights + "\n");
  };
  std::string path = write_style("[1, 2, 3]");
  expect_user_error([&] { load_config(path); },
                    {path, ": style.blend_weights: has 3 values but style.images has 2"});
  path = write_style("[1, -1]");
  expect_user_error([&] { load_config(path); },
                    {path, ": style.blend_weights[1]: must be >= 0 (got -1)"});
  path = write_style("[0, 0.0]");
  expect_user_error([&] { load_config(path); },
                    {path, ": style.blend_weights: must have a positive, finite sum"});
  path = write_style("[1, \"a\"]");
  expect_user_error([&] { load_config(path); },
                    {path, ": style.blend_weights[1]: expected a number, got string"});
}

TEST(ConfigErrors, Enumerations) {
  expect_each_fails({
      {"backend = \"gpu\"", "", "", "", {"backend: must be one of auto, cpu, cuda (got \"gpu\")"}},
      {"precision = \"fp16\"", "", "", "", {"precision: must be one of fp32, tf32"}},
      {"", "", "", "[network]\npooling = \"mean\"", {"network.pooling: must be one of max, avg"}},
      {"", "", "", "[optimizer]\nkind = \"sgd\"", {"optimizer.kind: must be one of lbfgs, adam"}},
      {"", "", "", "[init]\nkind = \"zeros\"", {"init.kind: must be one of random, image"}},
      {"",
       "",
       "",
       "[output]\nlevels = \"stretch\"",
       {"output.levels: must be one of minmax, clamp, auto"}},
      {"", "", "", "[randomize]\nmode = \"shuffle\"", {"randomize.mode: must be one of none,"}},
      {"",
       "",
       "",
       "[randomize.layers.relu1_1]\ndistribution = \"cauchy\"",
       {"randomize.layers.relu1_1.distribution: must be one of uniform, normal"}},
      {"model = \"builtin:resnet\"",
       "",
       "",
       "",
       {"model: unknown built-in model \"builtin:resnet\" (known: builtin:vgg19-random)"}},
  });
}

TEST(ConfigErrors, LayerLists) {
  expect_each_fails({
      {"", "layers = []", "", "", {"content.layers: must name at least one layer"}},
      {"", "", "layers = []", "", {"style.layers: must name at least one layer"}},
      {"",
       "",
       "layers = [\"relu1_1\", \"relu2_1\", \"relu1_1\"]",
       "",
       {"style.layers: duplicate layer \"relu1_1\""}},
      {"",
       "",
       "",
       "[sweep]\nstyle_layers = [\"relu1_1\", \"relu1_1\"]",
       {"sweep.style_layers: duplicate layer \"relu1_1\""}},
      {"", "layers = [\"\"]", "", "", {"content.layers[0]: empty layer name"}},
  });
}

TEST(ConfigErrors, SweepMayBeEmpty) {
  ConfigFolder folder;
  EXPECT_TRUE(
      load_config(folder.write_config("[sweep]\nstyle_layers = []")).sweep_style_layers.empty());
}

TEST(ConfigErrors, MissingAndRequiredFiles) {
  ConfigFolder folder;
  const std::string no_content = folder.write("a.toml", "[style]\nimages = [\"style_a.png\"]\n");
  expect_user_error([&] { load_config(no_content); }, {no_content, ": content.image: is required"});

  const std::string no_style = folder.write("b.toml", "[content]\nimage = \"content.png\"\n");
  expect_user_error([&] { load_config(no_style); }, {no_style, ": style.images: is required"});

  const std::string empty_style =
      folder.write("c.toml", "[content]\nimage = \"content.png\"\n[style]\nimages = []\n");
  expect_user_error([&] { load_config(empty_style); },
                    {empty_style, ": style.images: must name at least one image"});

  const std::string missing_content = folder.write(
      "d.toml", "[content]\nimage = \"nope.png\"\n[style]\nimages = [\"style_a.png\"]\n");
  expect_user_error(
      [&] { load_config(missing_content); },
      {missing_content, ": content.image: file not found: " + folder.path("nope.png")});

  const std::string missing_style = folder.write(
      "e.toml",
      "[content]\nimage = \"content.png\"\n[style]\nimages = [\"style_a.png\", \"gone.jpg\"]\n");
  expect_user_error(
      [&] { load_config(missing_style); },
      {missing_style, ": style.images[1]: file not found: " + folder.path("gone.jpg")});

  const std::string missing_init =
      folder.write_config("[init]\nimage = \"start.png\"", "", "f.toml");
  expect_user_error([&] { load_config(missing_init); },
                    {missing_init, ": init.image: file not found: " + folder.path("start.png")});

  const std::string missing_model =
      folder.write_config("", "model = \"models/vgg19.safetensors\"", "g.toml");
  expect_user_error(
      [&] { load_config(missing_model); },
      {missing_model, ": model: file not found: " + folder.path("models/vgg19.safetensors")});

  folder.write("afolder/keep", "x");
  const std::string folder_as_image = folder.write(
      "h.toml", "[content]\nimage = \"afolder\"\n[style]\nimages = [\"style_a.png\"]\n");
  expect_user_error([&] { load_config(folder_as_image); },
                    {folder_as_image, ": content.image: is a folder, not a file"});

  const std::string empty_path =
      folder.write("i.toml", "[content]\nimage = \"\"\n[style]\nimages = [\"style_a.png\"]\n");
  expect_user_error([&] { load_config(empty_path); },
                    {empty_path, ": content.image: must not be empty"});
}

TEST(ConfigErrors, OutputPathNeedsAnImageExtension) {
  ConfigFolder folder;
  const std::string path = folder.write_config("[output]\npath = \"render.bmp\"");
  expect_user_error([&] { load_config(path); },
                    {path, ": output.path: must end in .png, .jpg or .jpeg"});
  EXPECT_NO_THROW(load_config(folder.write_config("[output]\npath = \"A.JPEG\"")));
}

TEST(ConfigErrors, TomlSyntaxErrorNamesLineAndColumn) {
  ConfigFolder folder;
  const std::string path =
      folder.write("syntax.toml", "seed = 1\n[content]\nimage = \"content.png\"\nweight = = 2\n");
  const std::string message =
      expect_user_error([&] { load_config(path); }, {path + ":4:", "TOML syntax error"});
  // path:line:column: the column is a number too.
  const std::string after_line = message.substr(path.size() + 3);
  EXPECT_TRUE(!after_line.empty() && std::isdigit(static_cast<unsigned char>(after_line[0])))
      << message;
}

TEST(ConfigErrors, ConfigFileItself) {
  ConfigFolder folder;
  const std::string missing = folder.path("absent.toml");
  expect_user_error([&] { load_config(missing); }, {missing, "config file not found"});
  expect_user_error([&] { load_config(folder.root().string()); },
                    {"is a folder, not a config file"});
  expect_user_error([&] { load_config(""); }, {"config file path is empty"});
}

TEST(ConfigErrors, StringValuesWithLineBreaksStayOnOneLine) {
  ConfigFolder folder;
  const std::string path = folder.write_config("", "backend = \"c\\npu\"");
  expect_user_error([&] { load_config(path); }, {path, "backend: must be one of"});
}

}  // namespace
}  // namespace nsrg
