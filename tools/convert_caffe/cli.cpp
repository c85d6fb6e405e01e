// convert_caffe's options, help text (including which networks convert) and exit statuses.
#include "tools/convert_caffe/cli.h"

#include <CLI/CLI.hpp>
#include <sstream>

#include "engine/core/error.h"
#include "tools/convert_caffe/convert.h"

namespace nsrg {
namespace {

constexpr const char* kHelpFooter = R"(
What converts:
  Layers are read in file order. The Convolution, ReLU and Pooling layers that form one
  sequential chain from the network input become the architecture, with their Caffe names
  (VGG: conv1_1, relu1_1, ..., pool5). Data, loss, accuracy, Softmax and Caffe's Split
  layers are skipped; Dropout is the identity. The chain ends at the first InnerProduct
  layer: fully-connected layers are dropped, or with --keep-fc written as tensors
  "<name>.weight" [out,in] and "<name>.bias" [out] outside the architecture.
  Any other layer that changes what the chain computes (PReLU, BatchNorm, LRN, Eltwise,
  Concat, a Python layer, ...), a branch, or an unsupported variant (grouped or dilated
  convolution, global or stochastic pooling, leaky ReLU) is an error naming that layer.
  With --truncate the network is cut before that layer instead: every layer kept computes
  exactly what it computes in Caffe.
  Pooling rounds output sizes up (Caffe's ceil). Parameters missing from the caffemodel
  (older files omit pooling and convolution parameters) come from --prototxt, else from
  Caffe's defaults (MAX pooling, stride 1, pad 0; convolution kernel from its weights).

Exit status: 0 with a summary line; 2 with "<file>: <reason>" for bad input.
)";

std::vector<float> parse_mean(const std::string& text) {
  std::vector<float> values;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    try {
      size_t used = 0;
      values.push_back(std::stof(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw UserError(msg("--mean: '", text, "' is not three comma-separated numbers"));
    }
  }
  if (values.size() != 3) {
    throw UserError(msg("--mean: '", text, "' is not three comma-separated numbers"));
  }
  return values;
}

}  // namespace

int run_convert_caffe_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{
      "Converts a Caffe model (.caffemodel) into an nsrg-engine weights file "
      "(.safetensors).",
      "convert_caffe"};
  ConvertOptions options;
  std::string mean_text, order = "bgr";
  app.add_option("caffemodel", options.caffemodel_path, "The .caffemodel file (binary)")
      ->required();
  app.add_option("--prototxt", options.prototxt_path,
                 "The network definition (deploy .prototxt), for layer parameters the "
                 "caffemodel lacks");
  app.add_option("-o,--output", options.output_path, "The .safetensors file to write")->required();
  app.add_flag("--keep-fc", options.keep_fully_connected,
               "Also write the fully-connected layers' tensors");
  app.add_flag("--truncate", options.truncate_at_unsupported,
               "Cut the network before the first layer that breaks the sequential chain "
               "instead of failing");
  app.add_option("--order", order, "Input channel order the network expects: bgr (Caffe) or rgb")
      ->check(CLI::IsMember({"bgr", "rgb"}));
  app.add_option("--scale", options.preprocess.scale,
                 "Input value scale: pixel values in [0,1] are multiplied by it (Caffe: 255)");
  app.add_option("--mean", mean_text,
                 "Per-channel mean subtracted after scaling, in network channel order "
                 "(default 103.939,116.779,123.68: ImageNet BGR)");
  app.footer(kHelpFooter);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return 0;
  } catch (const CLI::ParseError& error) {
    err << "convert_caffe: " << error.what() << " (see --help)\n";
    return 2;
  }
  try {
    options.preprocess.bgr = order == "bgr";
    if (!mean_text.empty()) {
      const std::vector<float> mean = parse_mean(mean_text);
      options.preprocess.mean = {mean[0], mean[1], mean[2]};
    }
    const ConversionSummary summary = convert_caffe(options);
    for (const auto& warning : summary.warnings)
      err << "convert_caffe: warning: " << warning << "\n";
    out << summary.line() << "\n";
    return 0;
  } catch (const UserError& error) {
    err << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    err << "convert_caffe: internal error: " << error.what() << "\n";
    return 1;
  }
}

}  // namespace nsrg
