// load_config: defaults, every key, path resolution, blend weights, derived defaults.
#include <gtest/gtest.h>

#include "tests/config/config_test_folder.h"

namespace nsrg {
namespace {

using testing::ConfigFolder;

TEST(LoadConfig, MinimalConfigGetsTheDefaults) {
  ConfigFolder folder;
  const RenderConfig config = load_config(folder.write_config(""));
  const RenderConfig defaults;
  EXPECT_EQ(config.config_path, folder.path("render.toml"));
  EXPECT_EQ(config.backend, BackendChoice::Auto);
  EXPECT_EQ(config.precision, Precision::Fp32);
  EXPECT_EQ(config.threads, 0);
  EXPECT_EQ(config.seed, 1u);
  EXPECT_EQ(config.top_level.image_size, 512);
  EXPECT_EQ(config.model, "builtin:vgg19-random");
  EXPECT_EQ(config.content_image, folder.path("content.png"));
  EXPECT_EQ(config.content_layers, std::vector<std::string>{"relu4_2"});
  EXPECT_FLOAT_EQ(config.content_weight, 5.0f);
  EXPECT_EQ(config.style_images, std::vector<std::string>{folder.path("style_a.png")});
  EXPECT_EQ(config.style_blend_weights, std::vector<float>{1.0f});
  EXPECT_FLOAT_EQ(config.top_level.style_scale, 1.0f);
  EXPECT_EQ(config.style_layers, defaults.style_layers);
  EXPECT_EQ(config.style_layers.size(), 5u);
  EXPECT_FLOAT_EQ(config.style_weight, 100.0f);
  EXPECT_FLOAT_EQ(config.top_level.tv_weight, 1e-3f);
  EXPECT_FALSE(config.normalize_gradients);
  EXPECT_EQ(config.init_kind, InitKind::Random);
  EXPECT_EQ(config.init_image, "");
  EXPECT_EQ(config.top_level.optimizer.kind, OptimizerKind::Lbfgs);
  EXPECT_EQ(config.top_level.iterations, 1000);
  EXPECT_FLOAT_EQ(config.top_level.optimizer.learning_rate, 1.0f);
  EXPECT_EQ(config.top_level.optimizer.history, 100);
  EXPECT_FLOAT_EQ(config.top_level.optimizer.beta1, 0.9f);
  EXPECT_FLOAT_EQ(config.top_level.optimizer.beta2, 0.999f);
  EXPECT_FLOAT_EQ(config.top_level.optimizer.epsilon, 1e-8f);
  EXPECT_EQ(config.pooling, PoolKind::Max);
  EXPECT_EQ(config.output_path, folder.path("out/out.png"));
  EXPECT_EQ(config.levels, LevelsMode::MinMax);
  EXPECT_FLOAT_EQ(config.levels_low_percentile, 0.5f);
  EXPECT_FLOAT_EQ(config.levels_high_percentile, 99.5f);
  EXPECT_FALSE(config.original_colors);
  EXPECT_EQ(config.print_iter, 50);
  EXPECT_EQ(config.save_iter, 100);
  EXPECT_FALSE(config.save_raw);
  EXPECT_TRUE(config.contact_sheet);
  EXPECT_EQ(config.randomize.mode, RandomizeMode::None);
  EXPECT_FLOAT_EQ(config.randomize.lo, 0.1f);
  EXPECT_FLOAT_EQ(config.randomize.hi, 1.9f);
  EXPECT_EQ(config.randomize.distribution, RandomDistribution::Uniform);
  EXPECT_FLOAT_EQ(config.randomize.mix, 1.0f);
  EXPECT_EQ(config.variants, 1);
  EXPECT_EQ(config.min_distance, 0.0f);  // off: variant v draws seed + v
  EXPECT_EQ(config.max_redraws, 8);
  EXPECT_TRUE(config.randomize_layers.empty());
  EXPECT_FALSE(config.any_randomization());
  EXPECT_TRUE(config.sweep_style_layers.empty());
}

TEST(LoadConfig, EveryKeyIsParsed) {
  ConfigFolder folder;
  folder.write("weights/vgg.safetensors", "dummy");
  folder.write("init.png", "dummy");
  const std::string path = folder.write("every.toml", R"(
backend = "cpu"
precision = "tf32"
threads = 3
seed = 12345678901
image_size = 256
model = "weights/vgg.safetensors"
[content]
image = "content.png"
layers = ["relu4_2", "relu5_2"]
weight = 7
[style]
images = ["style_a.png", "style_b.jpg"]
blend_weights = [1, 3]
scale = 0.5
layers = ["relu1_1", "relu3_1"]
weight = 250.5
[loss]
tv_weight = 0.01
normalize_gradients = true
[init]
kind = "image"
image = "init.png"
[optimizer]
kind = "adam"
iterations = 42
learning_rate = 2.5
history = 7
beta1 = 0.8
beta2 = 0.99
epsilon = 1e-6
[network]
pooling = "avg"
[output]
path = "renders/final.jpg"
levels = "clamp"
percentiles = [1, 98.5]
original_colors = true
print_iter = 0
save_iter = 25
save_raw = true
contact_sheet = false
[randomize]
mode = "scale_eigenvectors"
range = [0.5, 1.5]
distribution = "normal"
mix = 0.25
variants = 8
[randomize.layers.relu3_1]
mode = "replace_eigenvectors"
[sweep]
style_layers = ["relu2_1", "relu4_1"]
)");
  const RenderConfig config = load_config(path);
  EXPECT_EQ(config.backend, BackendChoice::Cpu);
  EXPECT_EQ(config.precision, Precision::Tf32);
  EXPECT_EQ(config.threads, 3);
  EXPECT_EQ(config.seed, 12345678901u);
  EXPECT_EQ(config.top_level.image_size, 256);
  EXPECT_EQ(config.model, folder.path("weights/vgg.safetensors"));
  EXPECT_EQ(config.content_layers, (std::vector<std::string>{"relu4_2", "relu5_2"}));
  EXPECT_FLOAT_EQ(config.content_weight, 7.0f);
  EXPECT_EQ(config.style_images,
            (std::vector<std::string>{folder.path("style_a.png"), folder.path("style_b.jpg")}));
  ASSERT_EQ(config.style_blend_weights.size(), 2u);
  EXPECT_FLOAT_EQ(config.style_blend_weights[0], 0.25f);
  EXPECT_FLOAT_EQ(config.style_blend_weights[1], 0.75f);
  EXPECT_FLOAT_EQ(config.top_level.style_scale, 0.5f);
  EXPECT_EQ(config.style_layers, (std::vector<std::string>{"relu1_1", "relu3_1"}));
  EXPECT_FLOAT_EQ(config.style_weight, 250.5f);
  EXPECT_FLOAT_EQ(config.top_level.tv_weight, 0.01f);
  EXPECT_TRUE(config.normalize_gradients);
  EXPECT_EQ(config.init_kind, InitKind::Image);
  EXPECT_EQ(config.init_image, folder.path("init.png"));
  EXPECT_EQ(config.top_level.optimizer.kind, OptimizerKind::Adam);
  EXPECT_EQ(config.top_level.iterations, 42);
  EXPECT_FLOAT_EQ(config.top_level.optimizer.learning_rate, 2.5f);
  EXPECT_EQ(config.top_level.optimizer.history, 7);
  EXPECT_FLOAT_EQ(config.top_level.optimizer.beta1, 0.8f);
  EXPECT_FLOAT_EQ(config.top_level.optimizer.beta2, 0.99f);
  EXPECT_FLOAT_EQ(config.top_level.optimizer.epsilon, 1e-6f);
  EXPECT_EQ(config.pooling, PoolKind::Average);
  EXPECT_EQ(config.output_path, folder.path("renders/final.jpg"));
  EXPECT_EQ(config.levels, LevelsMode::Clamp);
  EXPECT_FLOAT_EQ(config.levels_low_percentile, 1.0f);
  EXPECT_FLOAT_EQ(config.levels_high_percentile, 98.5f);
  EXPECT_TRUE(config.original_colors);
  EXPECT_EQ(config.print_iter, 0);
  EXPECT_EQ(config.save_iter, 25);
  EXPECT_TRUE(config.save_raw);
  EXPECT_FALSE(config.contact_sheet);
  EXPECT_EQ(config.randomize.mode, RandomizeMode::ScaleEigenvectors);
  EXPECT_FLOAT_EQ(config.randomize.lo, 0.5f);
  EXPECT_FLOAT_EQ(config.randomize.hi, 1.5f);
  EXPECT_EQ(config.randomize.distribution, RandomDistribution::Normal);
  EXPECT_FLOAT_EQ(config.randomize.mix, 0.25f);
  EXPECT_EQ(config.variants, 8);
  ASSERT_EQ(config.randomize_layers.count("relu3_1"), 1u);
  EXPECT_EQ(config.randomize_layers.at("relu3_1").mode, RandomizeMode::ReplaceEigenvectors);
  EXPECT_EQ(config.sweep_style_layers, (std::vector<std::string>{"relu2_1", "relu4_1"}));
}

TEST(LoadConfig, RelativePathsResolveAgainstTheConfigFolder) {
  ConfigFolder folder;
  folder.write("images/photo.png", "dummy");
  folder.write("styles/one.png", "dummy");
  folder.write("configs/deep/model.bin", "dummy");
  const std::string path = folder.write("configs/deep/render.toml",
                                        "model = \"model.bin\"\n"
                                        "[content]\nimage = \"../../images/photo.png\"\n"
                                        "[style]\nimages = [\"" +
                                            folder.path("styles/one.png") +
                                            "\"]\n"
                                            "[init]\nimage = \"./../../images/photo.png\"\n");
  const RenderConfig config = load_config(path);
  EXPECT_EQ(config.content_image, folder.path("images/photo.png"));
  EXPECT_EQ(config.style_images[0], folder.path("styles/one.png"));  // absolute stays
  EXPECT_EQ(config.init_image, folder.path("images/photo.png"));
  EXPECT_EQ(config.model, folder.path("configs/deep/model.bin"));
  EXPECT_EQ(config.output_path, folder.path("configs/deep/out/out.png"));
}

TEST(LoadConfig, ConfigPathIsMadeAbsolute) {
  ConfigFolder folder;
  folder.write_config("");
  const std::filesystem::path previous = std::filesystem::current_path();
  std::filesystem::current_path(folder.root());
  RenderConfig config;
  EXPECT_NO_THROW(config = load_config("./render.toml"));
  std::filesystem::current_path(previous);
  EXPECT_EQ(config.config_path, folder.path("render.toml"));
  EXPECT_EQ(config.content_image, folder.path("content.png"));
}

TEST(LoadConfig, BlendWeightsAreNormalized) {
  ConfigFolder folder;
  auto load_style = [&](const std::string& style_keys) {
    return load_config(
        folder.write("blend.toml", "[content]\nimage = \"content.png\"\n[style]\n" + style_keys));
  };
  RenderConfig equal = load_style("images = [\"style_a.png\", \"style_b.jpg\", \"style_a.png\"]");
  ASSERT_EQ(equal.style_blend_weights.size(), 3u);
  for (float weight : equal.style_blend_weights) EXPECT_FLOAT_EQ(weight, 1.0f / 3.0f);

  RenderConfig given =
      load_style("images = [\"style_a.png\", \"style_b.jpg\"]\nblend_weights = [0.0, 2.5]");
  EXPECT_EQ(given.style_blend_weights, (std::vector<float>{0.0f, 1.0f}));

  RenderConfig mixed =
      load_style("images = [\"style_a.png\", \"style_b.jpg\"]\nblend_weights = [3, 1.0]");
  EXPECT_FLOAT_EQ(mixed.style_blend_weights[0], 0.75f);
  EXPECT_FLOAT_EQ(mixed.style_blend_weights[1], 0.25f);
}

TEST(LoadConfig, LearningRateDefaultFollowsTheOptimizer) {
  ConfigFolder folder;
  const auto learning_rate = [&](const std::string& optimizer) {
    return load_config(folder.write_config(optimizer)).top_level.optimizer.learning_rate;
  };
  EXPECT_FLOAT_EQ(learning_rate("[optimizer]\nkind = \"lbfgs\""), 1.0f);
  EXPECT_FLOAT_EQ(learning_rate("[optimizer]\nkind = \"adam\""), 10.0f);
  EXPECT_FLOAT_EQ(learning_rate("[optimizer]\nkind = \"adam\"\nlearning_rate = 3"), 3.0f);
}

TEST(LoadConfig, IntegersAreAcceptedForFloats) {
  ConfigFolder folder;
  const RenderConfig config = load_config(folder.write_config("[loss]\ntv_weight = 0"));
  EXPECT_EQ(config.top_level.tv_weight, 0.0f);
}

TEST(LoadConfig, EmptyInitImageMeansTheContentImage) {
  ConfigFolder folder;
  const RenderConfig config =
      load_config(folder.write_config("[init]\nkind = \"image\"\nimage = \"\""));
  EXPECT_EQ(config.init_kind, InitKind::Image);
  EXPECT_EQ(config.init_image, "");
}

}  // namespace
}  // namespace nsrg
