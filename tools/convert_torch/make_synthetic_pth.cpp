// make_synthetic_pth: writes a synthetic full-size VGG-19 checkpoint in torchvision's layout
// (features.N, with the classifier: 548 MB) for the conversion benchmark.
#include <CLI/CLI.hpp>
#include <iostream>

#include "engine/core/command_main.h"
#include "tools/convert_torch/synthetic_pth.h"

int main(int argc, char** argv) {
  CLI::App app{"Writes a synthetic VGG-19 .pth (torchvision layout, random values)",
               "make_synthetic_pth"};
  std::string output;
  bool no_classifier = false;
  uint64_t seed = 1;
  app.add_option("-o,--output", output, "The .pth file to write")->required();
  app.add_flag("--no-classifier", no_classifier, "Only the convolution layers (80 MB)");
  app.add_option("--seed", seed, "Seed of the values");
  CLI11_PARSE(app, argc, argv);
  return nsrg::run_command([&] {
    nsrg::write_synthetic_pth(output, nsrg::torchvision_vgg19_tensors(!no_classifier), seed);
    std::cout << output << "\n";
    return 0;
  });
}
