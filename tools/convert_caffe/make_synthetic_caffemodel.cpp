// make_synthetic_caffemodel: writes a synthetic VGG-19, VGG-16 or NIN caffemodel with the
// real layer names and shapes and pseudo-random values (for bench/convert_scale.sh caffe).
#include <CLI/CLI.hpp>
#include <iostream>

#include "engine/core/error.h"
#include "tools/convert_caffe/synthetic_caffemodel.h"

int main(int argc, char** argv) {
  CLI::App app{"Writes a synthetic caffemodel with real layer shapes and random values.",
               "make_synthetic_caffemodel"};
  std::string network, output, format = "v1";
  bool fully_connected = false, strip = false;
  nsrg::SyntheticOptions options;
  app.add_option("network", network, "vgg19, vgg16 or nin")
      ->required()
      ->check(CLI::IsMember({"vgg19", "vgg16", "nin"}));
  app.add_option("output", output, "The .caffemodel to write")->required();
  app.add_flag("--fc", fully_connected, "Include the fully-connected layers (VGG)");
  app.add_option("--format", format, "v1 (legacy `layers`) or current (`layer`)")
      ->check(CLI::IsMember({"v1", "current"}));
  app.add_option("--seed", options.seed, "Seed of the values");
  app.add_flag("--strip-params", strip, "Omit convolution and pooling parameters");
  CLI11_PARSE(app, argc, argv);
  try {
    options.format = format == "v1" ? nsrg::CaffeFormat::LegacyV1 : nsrg::CaffeFormat::Current;
    options.strip_layer_params = strip;
    const auto layers = network == "vgg19"   ? nsrg::vgg19_layers(fully_connected)
                        : network == "vgg16" ? nsrg::vgg16_layers(fully_connected)
                                             : nsrg::nin_imagenet_layers();
    const std::string name = network == "vgg19"   ? "VGG_ILSVRC_19_layers"
                             : network == "vgg16" ? "VGG_ILSVRC_16_layers"
                                                  : "nin_imagenet";
    nsrg::write_synthetic_caffemodel(output, name, layers, options);
    std::cout << output << ": synthetic " << network << ", " << layers.size() << " layers\n";
    return 0;
  } catch (const std::exception& error) {
    std::cerr << error.what() << "\n";
    return 2;
  }
}
