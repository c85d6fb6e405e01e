// validate_layers against a network's layer names, and config_to_json (its keys and a round
// trip JSON -> TOML file -> load_config -> JSON).
#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <set>
#include <sstream>

#include "tests/config/config_test_folder.h"

namespace nsrg {
namespace {

using testing::ConfigFolder;
using testing::expect_user_error;

std::function<bool(const std::string&)> network_with(std::set<std::string> layers) {
  return [layers](const std::string& layer) { return layers.count(layer) > 0; };
}

TEST(ValidateLayers, AcceptsKnownLayers) {
  RenderConfig config;
  config.sweep_style_layers = {"relu2_2"};
  config.randomize_layers["relu3_1"] = RandomizeSettings{};
  EXPECT_NO_THROW(validate_layers(config, network_with({"relu1_1", "relu2_1", "relu2_2", "relu3_1",
                                                        "relu4_1", "relu4_2", "relu5_1"})));
}

TEST(ValidateLayers, NamesTheFirstUnknownLayerAndItsKey) {
  RenderConfig config;
  config.config_path = "/configs/render.toml";
  const std::set<std::string> vgg{"relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu4_2", "relu5_1"};
  config.content_layers = {"relu4_2", "relu9_9"};
  expect_user_error([&] { validate_layers(config, network_with(vgg)); },
                    {"/configs/render.toml: content.layers: layer \"relu9_9\" is not in model "
                     "builtin:vgg19-random"});
  config.content_layers = {"relu4_2"};
  config.style_layers = {"conv9"};
  expect_user_error([&] { validate_layers(config, network_with(vgg)); },
                    {"/configs/render.toml: style.layers: layer \"conv9\" is not in model"});
  config.style_layers = {"relu1_1"};
  config.sweep_style_layers = {"relu3_3"};
  config.model = "/models/vgg16.safetensors";
  expect_user_error([&] { validate_layers(config, network_with(vgg)); },
                    {"/configs/render.toml: sweep.style_layers: layer \"relu3_3\" is not in model "
                     "/models/vgg16.safetensors"});
  config.sweep_style_layers.clear();
  config.randomize_layers["pool7"] = RandomizeSettings{};
  expect_user_error([&] { validate_layers(config, network_with(vgg)); },
                    {"/configs/render.toml: randomize.layers: layer \"pool7\" is not in model"});
}

// nlohmann JSON -> TOML tree (objects are tables, numbers keep integer/float).
toml::table json_to_toml_table(const nlohmann::json& object);

void append_json_to_toml_array(toml::array& array, const nlohmann::json& value) {
  if (value.is_string())
    array.push_back(value.get<std::string>());
  else if (value.is_boolean())
    array.push_back(value.get<bool>());
  else if (value.is_number_integer())
    array.push_back(value.get<int64_t>());
  else if (value.is_number_float())
    array.push_back(value.get<double>());
  else
    ADD_FAILURE() << "unexpected array element " << value;
}

toml::table json_to_toml_table(const nlohmann::json& object) {
  toml::table table;
  for (const auto& [key, value] : object.items()) {
    if (value.is_object()) {
      table.insert(key, json_to_toml_table(value));
    } else if (value.is_array()) {
      toml::array array;
      for (const nlohmann::json& element : value) append_json_to_toml_array(array, element);
      table.insert(key, std::move(array));
    } else if (value.is_string()) {
      table.insert(key, value.get<std::string>());
    } else if (value.is_boolean()) {
      table.insert(key, value.get<bool>());
    } else if (value.is_number_integer()) {
      table.insert(key, value.get<int64_t>());
    } else if (value.is_number_float()) {
      table.insert(key, value.get<double>());
    } else {
      ADD_FAILURE() << "unexpected JSON value for " << key << ": " << value;
    }
  }
  return table;
}

TEST(ConfigToJson, KeysAndValuesAsInTheToml) {
  ConfigFolder folder;
  const RenderConfig config = load_config(
      folder.write_config("[loss]\ntv_weight = 0.001\n[randomize]\nmode = \"random_gram\"\n"
                          "[randomize.layers.relu2_1]\nmix = 0.3\n",
                          "seed = 99"));
  const nlohmann::json json = config_to_json(config);
  EXPECT_EQ(json["seed"], 99);
  EXPECT_EQ(json["backend"], "auto");
  EXPECT_EQ(json["content"]["image"], folder.path("content.png"));
  EXPECT_EQ(json["style"]["images"][0], folder.path("style_a.png"));
  EXPECT_EQ(json["style"]["blend_weights"][0], 1.0);
  EXPECT_EQ(json["loss"]["tv_weight"], 0.001);  // the decimal written, not float noise
  EXPECT_EQ(json["optimizer"]["kind"], "lbfgs");
  EXPECT_EQ(json["optimizer"]["epsilon"], 1e-8);
  EXPECT_EQ(json["output"]["path"], folder.path("out/out.png"));
  EXPECT_EQ(json["output"]["levels"], "auto");
  EXPECT_EQ(json["output"]["percentiles"], nlohmann::json::parse("[0.5, 99.5]"));
  EXPECT_EQ(json["randomize"]["mode"], "random_gram");
  EXPECT_EQ(json["randomize"]["range"], nlohmann::json::parse("[0.1, 1.9]"));
  EXPECT_EQ(json["randomize"]["layers"]["relu2_1"]["mode"], "random_gram");
  EXPECT_EQ(json["randomize"]["layers"]["relu2_1"]["mix"], 0.3);
  EXPECT_EQ(json["sweep"]["style_layers"], nlohmann::json::array());
  EXPECT_FALSE(json.contains("config_path"));
}

TEST(ConfigToJson, RoundTripsThroughATomlFile) {
  ConfigFolder folder;
  folder.write("init.png", "dummy");
  const std::string path = folder.write("full.toml", R"(
backend = "cpu"
threads = 2
seed = 4242
image_size = 300
[content]
image = "content.png"
layers = ["relu4_2", "relu3_2"]
weight = 3.5
[style]
images = ["style_a.png", "style_b.jpg"]
blend_weights = [2, 1]
scale = 0.7
layers = ["relu1_1", "relu2_1"]
weight = 1000
[loss]
tv_weight = 0.0002
normalize_gradients = true
[init]
kind = "image"
image = "init.png"
[optimizer]
kind = "adam"
iterations = 77
beta1 = 0.85
[network]
pooling = "avg"
[output]
path = "o/result.png"
percentiles = [0.1, 99.9]
print_iter = 5
save_iter = 0
contact_sheet = false
[randomize]
mode = "scale_eigenvectors"
range = [0.3, 1.7]
mix = 0.6
variants = 3
[randomize.layers.relu2_1]
distribution = "normal"
[sweep]
style_layers = ["relu1_1", "relu5_1"]
)");
  nlohmann::json original = config_to_json(load_config(path));
  std::ostringstream toml_text;
  toml_text << json_to_toml_table(original);
  const std::string copy = folder.write("copy/round_trip.toml", toml_text.str());
  nlohmann::json reloaded = config_to_json(load_config(copy));
  // Normalized blend weights are normalized again on reload: equal up to float rounding.
  const nlohmann::json original_blend = original["style"]["blend_weights"];
  const nlohmann::json reloaded_blend = reloaded["style"]["blend_weights"];
  ASSERT_EQ(original_blend.size(), 2u);
  ASSERT_EQ(reloaded_blend.size(), 2u);
  EXPECT_NEAR(original_blend[0].get<double>(), 2.0 / 3.0, 1e-7);
  EXPECT_NEAR(original_blend[1].get<double>(), 1.0 / 3.0, 1e-7);
  for (int i = 0; i < 2; ++i)
    EXPECT_NEAR(reloaded_blend[i].get<double>(), original_blend[i].get<double>(), 1e-7);
  original["style"].erase("blend_weights");
  reloaded["style"].erase("blend_weights");
  EXPECT_EQ(reloaded, original) << "original:\n"
                                << original.dump(2) << "\nreloaded:\n"
                                << reloaded.dump(2);
  EXPECT_EQ(original["optimizer"]["learning_rate"], 10.0);
}

}  // namespace
}  // namespace nsrg
