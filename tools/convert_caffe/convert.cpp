// convert_caffe: reader + chain + safetensors writer, and the source note.
#include "tools/convert_caffe/convert.h"

#include "engine/core/error.h"
#include "engine/core/output_location.h"
#include "engine/core/utf8.h"
#include "tools/convert_caffe/caffemodel_reader.h"
#include "tools/convert_caffe/prototxt_reader.h"
#include "tools/convert_caffe/sequential_network.h"
#include "tools/convert_common/source_note.h"
#include "weights/model.h"

namespace nsrg {
namespace {

std::string source_note(const CaffeNet& net, const ConvertOptions& options,
                        const SequentialNetwork& network) {
  std::string note = msg("Caffe model ", note_file_name(net.path), " (", net.file_size,
                         " bytes, sha256 ", net.sha256, "; ", caffe_format_name(net.format),
                         " net '", valid_utf8_or_question_marks(net.name), "')");
  if (!options.prototxt_path.empty()) {
    note += msg(", definition ", note_file_name(options.prototxt_path));
  }
  note += ", converted by nsrg convert_caffe";
  if (!network.fully_connected_dropped.empty()) {
    note += msg("; fully-connected layers dropped: ", comma_list(network.fully_connected_dropped));
  }
  if (!network.fully_connected_kept.empty()) {
    note +=
        msg("; fully-connected layers kept as tensors: ", comma_list(network.fully_connected_kept));
  }
  if (!network.convolutions_with_default_parameters.empty()) {
    note += msg("; stride 1 and pad 0 assumed for ",
                comma_list(network.convolutions_with_default_parameters));
  }
  if (!network.cut_before.empty()) note += msg("; network cut before ", network.cut_before);
  return note;
}

// Before any reading: the output is a .safetensors file that is neither input (however the
// path is spelled) and lies in a writable folder.
void check_output_path(const ConvertOptions& options) {
  InputFiles inputs;
  inputs.add(options.caffemodel_path);
  if (!options.prototxt_path.empty()) inputs.add(options.prototxt_path);
  require_weights_output("convert_caffe", options.output_path, inputs);
}

}  // namespace

std::string ConversionSummary::line() const {
  std::string text =
      msg(output_path, ": ", layer_count, " layers (", convolution_count, " convolution, ",
          relu_count, " ReLU, ", pooling_count, " pooling), ", parameter_count, " parameters");
  if (!fully_connected_kept.empty()) {
    text += msg(", fully-connected kept: ", comma_list(fully_connected_kept));
  } else if (!fully_connected_dropped.empty()) {
    text += msg(", fully-connected dropped: ", comma_list(fully_connected_dropped));
  }
  if (!cut_before.empty()) text += msg("; cut before ", cut_before);
  return text;
}

ConversionSummary convert_caffe(const ConvertOptions& options) {
  check_output_path(options);
  CaffeNet definition;
  if (!options.prototxt_path.empty()) definition = read_prototxt(options.prototxt_path);

  CaffemodelReadOptions read_options;
  read_options.keep_inner_product_blobs = options.keep_fully_connected;
  const CaffeNet net = read_caffemodel(options.caffemodel_path, read_options);

  ChainOptions chain_options;
  chain_options.keep_fully_connected = options.keep_fully_connected;
  chain_options.truncate_at_unsupported = options.truncate_at_unsupported;
  const SequentialNetwork network = build_sequential_network(
      net, options.prototxt_path.empty() ? nullptr : &definition, chain_options);

  ConversionSummary summary;
  summary.output_path = options.output_path;
  summary.layer_count = int(network.layers.size());
  summary.convolution_count = network.convolution_count;
  summary.relu_count = network.relu_count;
  summary.pooling_count = network.pooling_count;
  summary.parameter_count = network.convolution_parameters + network.fully_connected_parameters;
  summary.fully_connected_kept = network.fully_connected_kept;
  summary.fully_connected_dropped = network.fully_connected_dropped;
  summary.cut_before = network.cut_before;
  summary.source = source_note(net, options, network);
  if (network.input_channels != 3) {
    summary.warnings.push_back(msg(net.path, ": the network takes ", network.input_channels,
                                   "-channel input; nsrg-engine renders 3-channel images"));
  }
  if (!network.convolutions_with_default_parameters.empty()) {
    summary.warnings.push_back(msg(
        net.path, ": no convolution parameters for ",
        comma_list(network.convolutions_with_default_parameters),
        options.prototxt_path.empty() ? " in the caffemodel" : " in the caffemodel or the prototxt",
        "; assumed Caffe's defaults stride 1, pad 0 (give the deploy definition with --prototxt "
        "if that is wrong)"));
  }

  std::vector<TensorView> views;
  views.reserve(network.tensors.size());
  for (const auto& tensor : network.tensors)
    views.push_back({tensor.name, tensor.shape, tensor.data});
  write_model(options.output_path, network.layers, options.preprocess, summary.source, views);
  return summary;
}

}  // namespace nsrg
