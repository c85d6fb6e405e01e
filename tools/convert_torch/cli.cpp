// convert_torch's options and help text (which files convert, how the preset is chosen).
#include "tools/convert_torch/cli.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "engine/core/command_main.h"
#include "tools/convert_torch/convert.h"

namespace nsrg {
namespace {

constexpr const char* kHelpFooter = R"(
What converts:
  A torch.save file (the zip format of PyTorch >= 1.6, or the legacy format) holding a
  state_dict of float32 or float16 tensors of VGG-11/13/16/19 without batch norm, named as
  torchvision names them ("features.N.weight", also neural-style-pt's files) or by Caffe
  layer ("conv1_1.weight"). The layers get the Caffe names conv1_1, relu1_1, ..., pool5;
  fully-connected tensors (classifier.*, fc6-8) are dropped. The pickle is read by a strict
  subset reader: no code runs, and any global other than OrderedDict, torch's tensor
  rebuild functions and storage types is refused.

Preset (input preprocessing):
  torchvision  RGB, scale 1, mean 0.485,0.456,0.406, std 0.229,0.224,0.225
  caffe        BGR, scale 255, mean 103.939,116.779,123.68 (neural-style-pt's VGG files)
  Without --preset it is detected from the file's published hash (SHA-256 prefix or the
  hash in its name: torchvision's vgg19-dcbb9e9d.pth, neural-style-pt's vgg19-d01eb7cb.pth,
  ...) or Caffe-style names; otherwise --preset is required.

Exit status: 0 with a summary line; 2 with "<file>: <reason>" for bad input.
)";

}  // namespace

int run_convert_torch_cli(int argc, const char* const* argv) {
  CLI::App app{
      "Converts a PyTorch VGG checkpoint (.pth) into an nsrg-engine weights file "
      "(.safetensors).",
      "convert_torch"};
  TorchConvertOptions options;
  app.add_option("checkpoint", options.input_path, "The .pth file (torch.save of a state_dict)")
      ->required();
  app.add_option("-o,--output", options.output_path, "The .safetensors file to write")->required();
  app.add_option("--arch", options.arch, "The architecture, instead of recognizing it")
      ->check(CLI::IsMember({"vgg11", "vgg13", "vgg16", "vgg19"}));
  app.add_option("--preset", options.preset, "Input preprocessing: torchvision or caffe")
      ->check(CLI::IsMember({"torchvision", "caffe"}));
  app.footer(kHelpFooter);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::ParseError& error) {
    std::cerr << "convert_torch: " << error.what() << " (see --help)\n";
    return 2;
  }
  return run_command([&] {
    std::cout << convert_torch(options).line() << "\n";
    return 0;
  });
}

}  // namespace nsrg
