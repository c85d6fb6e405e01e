// calibrate_builtin_vgg: derives the per-layer gains of the built-in random VGG-19
// (weights/builtin_vgg19.h, BuiltinVggRecipe::gain) in the manner of ranVGG. Starting from
// plain He-normal weights (gain 1, zero bias), it goes layer by layer and sets each conv's
// gain so that the mean activation of the ReLU after it, averaged over the given images at
// the given size, equals the target level; later layers see the already-scaled earlier
// ones. Prints the table to paste into the recipe.
//   calibrate_builtin_vgg [--level 1000] [--size 256] IMAGE...
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "engine/core/command_main.h"
#include "engine/core/error.h"
#include "engine/cpu/cpu_backend.h"
#include "engine/image/image_output.h"
#include "engine/net/network.h"
#include "weights/builtin_vgg19.h"

namespace {

int run(int argc, char** argv) {
  CLI::App app{"Calibrate the built-in random VGG-19's per-layer gains (ranVGG-style)"};
  double level = 1000;
  int size = 256;
  std::vector<std::string> images;
  app.add_option("--level", level, "target mean activation of every ReLU")
      ->check(CLI::PositiveNumber);
  app.add_option("--size", size, "longest side the images are resized to")
      ->check(CLI::Range(16, 4096));
  app.add_option("images", images, "calibration images (PNG or JPEG)")->required();
  CLI11_PARSE(app, argc, argv);

  auto backend = nsrg::make_cpu_backend();
  nsrg::BuiltinVggRecipe recipe;
  recipe.gain.clear();
  recipe.default_gain = 1.0f;
  const std::vector<nsrg::LayerSpec> layers = nsrg::vgg19_architecture();
  std::string table;
  for (size_t i = 0; i + 1 < layers.size(); ++i) {
    if (layers[i].type != nsrg::LayerType::Conv) continue;
    const nsrg::Model model = nsrg::make_builtin_vgg19(recipe, layers[i + 1].name);
    nsrg::Network network(*backend, model, nsrg::PoolKind::Max);
    double mean = 0;
    for (const std::string& path : images) {
      const nsrg::Image image = nsrg::load_image_at_size(path, size);
      const nsrg::Tensor x = nsrg::image_to_tensor(*backend, image, model.preprocess);
      network.forward(x, int(i + 1));
      const std::vector<float> relu = backend->to_host(network.activation(int(i + 1)));
      double sum = 0;
      for (float v : relu) sum += v;
      mean += sum / double(relu.size()) / double(images.size());
    }
    const float gain = float(level / mean);  // layer i's gain was 1 when measured
    recipe.gain[layers[i].name] = gain;
    std::printf("%-8s mean activation at gain 1: %10.4f  ->  gain %.6f\n", layers[i].name.c_str(),
                mean, gain);
    char entry[64];
    std::snprintf(entry, sizeof entry, "{\"%s\", %.6ff}, ", layers[i].name.c_str(), gain);
    table += entry;
  }
  std::printf("\ngain table: {%s}\n", table.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nsrg::run_command([&] { return run(argc, argv); });
}
