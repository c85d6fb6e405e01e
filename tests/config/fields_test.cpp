// config_fields.h spells every key once for the reader, the JSON writer and the key check:
// a config written as JSON by config_to_json and read back as TOML is the same config, and
// every key the writer writes is one the key check accepts.
#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <sstream>

#include "tests/config/config_test_folder.h"

namespace nsrg {
namespace {

using testing::ConfigFolder;

// A JSON value as the TOML node it stands for (arrays of objects become arrays of tables).
toml::array to_toml_array(const nlohmann::json& array);
toml::table to_toml_table(const nlohmann::json& object);

void insert(toml::table& table, const std::string& key, const nlohmann::json& value) {
  if (value.is_object())
    table.insert(key, to_toml_table(value));
  else if (value.is_array())
    table.insert(key, to_toml_array(value));
  else if (value.is_string())
    table.insert(key, value.get<std::string>());
  else if (value.is_boolean())
    table.insert(key, value.get<bool>());
  else if (value.is_number_integer())
    table.insert(key, value.get<int64_t>());
  else
    table.insert(key, value.get<double>());
}

toml::table to_toml_table(const nlohmann::json& object) {
  toml::table table;
  for (const auto& [key, value] : object.items()) insert(table, key, value);
  return table;
}

toml::array to_toml_array(const nlohmann::json& array) {
  toml::array result;
  for (const nlohmann::json& value : array) {
    if (value.is_object())
      result.push_back(to_toml_table(value));
    else if (value.is_string())
      result.push_back(value.get<std::string>());
    else if (value.is_number_integer())
      result.push_back(value.get<int64_t>());
    else
      result.push_back(value.get<double>());
  }
  return result;
}

std::string as_toml(const nlohmann::json& config) {
  std::ostringstream text;
  text << to_toml_table(config);
  return text.str();
}

void expect_round_trip(const ConfigFolder& folder, const RenderConfig& config) {
  const nlohmann::json written = config_to_json(config);
  const std::string again = folder.write("again.toml", as_toml(written));
  EXPECT_EQ(config_to_json(load_config(again)), written) << as_toml(written);
}

TEST(ConfigFields, EveryKeyWrittenReadsBackToTheSameConfig) {
  ConfigFolder folder;
  folder.write("init.png", "dummy");
  const RenderConfig config = load_config(
      folder.write_config(
          "blend_weights = [1, 3]\nscale = 0.5\nlayers = [\"relu1_1\", \"relu3_1\"]\nweight = 250\n"
          "layer_sources = { relu1_1 = { images = [\"style_b.jpg\"] } }\n"
          "[loss]\ntv_weight = 0.01\nnormalize_gradients = true\n"
          "[init]\nkind = \"image\"\nimage = \"init.png\"\n"
          "[optimizer]\nkind = \"adam\"\niterations = 42\nlearning_rate = 2.5\nhistory = 7\n"
          "history_precision = \"bf16\"\nbeta1 = 0.8\nbeta2 = 0.99\nepsilon = 1e-6\n"
          "[network]\npooling = \"avg\"\n"
          "[output]\npath = \"renders/final.jpg\"\nlevels = \"clamp\"\npercentiles = [1, 98.5]\n"
          "original_colors = true\nprint_iter = 0\nsave_iter = 25\nsave_raw = true\n"
          "contact_sheet = false\nsave_targets = true\nsave_stages = true\n"
          "[randomize]\nmode = \"scale_eigenvectors\"\nrange = [0.5, 1.5]\n"
          "distribution = \"normal\"\nmix = 0.25\nkeep_energy = true\nvariants = 3\n"
          "min_distance = 0.125\nmax_redraws = 5\n"
          "[randomize.layers.relu3_1]\nmode = \"replace_eigenvectors\"\n"
          "[sweep]\nstyle_layers = [\"relu1_1\", \"relu3_1\"]\n"
          "[[stages]]\nimage_size = 64\niterations = 10\n"
          "[[stages]]\nimage_size = 128\niterations = 5\noptimizer = \"lbfgs\"\nhistory = 3\n"
          "tv_weight = 0\nstyle_scale = 1.5\n",
          "backend = \"cpu\"\nprecision = \"tf32\"\nthreads = 1\nseed = 77\nimage_size = 256\n"
          "memory_limit_mib = 4096\n"),
      {"style.images=[\"style_a.png\", \"style_b.jpg\"]"});
  ASSERT_EQ(config.stages.size(), 2u);
  EXPECT_TRUE(config.randomize.keep_energy);
  EXPECT_EQ(config.min_distance, 0.125f);
  EXPECT_EQ(config.max_redraws, 5);
  EXPECT_EQ(config.style_layer_sources.size(), 1u);
  expect_round_trip(folder, config);
}

TEST(ConfigFields, AConfigWithoutStagesReadsBackWithoutStages) {
  ConfigFolder folder;
  const RenderConfig config = load_config(folder.write_config(""));
  EXPECT_FALSE(config_to_json(config).contains("stages"));
  expect_round_trip(folder, config);
}

}  // namespace
}  // namespace nsrg
