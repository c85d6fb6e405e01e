// convert_torch: checks, reading, recognition and writing in order; the source note.
#include "tools/convert_torch/convert.h"

#include <cmath>

#include "engine/core/error.h"
#include "engine/core/output_location.h"
#include "engine/core/utf8.h"
#include "tools/convert_common/hashing_file_reader.h"
#include "tools/convert_common/source_note.h"
#include "tools/convert_torch/checkpoint_reader.h"
#include "tools/convert_torch/preset.h"
#include "tools/convert_torch/tensor_data.h"
#include "tools/convert_torch/vgg_layout.h"
#include "weights/model.h"

namespace nsrg {
namespace {

// Before any reading: the output is a .safetensors file that is not the input (however the
// path is spelled) and lies in a writable folder.
void check_output_path(const TorchConvertOptions& options) {
  InputFiles inputs;
  inputs.add(options.input_path);
  require_weights_output("convert_torch", options.output_path, inputs);
}

}  // namespace

std::string TorchConversionSummary::line() const {
  std::string text = msg(output_path, ": ", arch, ", ", layer_count, " layers (", convolution_count,
                         " convolution), ", parameter_count, " parameters; preset ", preset, " (",
                         preset_reason, ")");
  if (!dropped.empty()) text += msg("; ", dropped.size(), " fully-connected tensors dropped");
  return text;
}

TorchConversionSummary convert_torch(const TorchConvertOptions& options) {
  check_output_path(options);
  const std::string& path = options.input_path;
  const std::unique_ptr<CheckpointReader> reader = CheckpointReader::open(path);
  const VggLayout layout = recognize_vgg(path, reader->state_dict(), options.arch);
  const FileFingerprint hash = fingerprint_file(path);
  const PresetChoice preset = choose_preset(options.preset, path, hash.sha256, layout);

  TorchConversionSummary summary;
  summary.output_path = options.output_path;
  summary.arch = layout.arch;
  summary.preset = preset.name;
  summary.preset_reason = preset.reason;
  summary.format = reader->format();
  summary.layer_count = int(layout.layers.size());
  summary.dropped = layout.dropped;

  for (const auto& [name, tensor] : layout.tensors) check_tensor_layout(path, *tensor);
  std::vector<std::vector<float>> values;
  std::vector<TensorView> views;
  values.reserve(layout.tensors.size());
  for (const auto& [name, tensor] : layout.tensors) {
    values.push_back(read_tensor_float32(*reader, *tensor));
    for (float value : values.back())
      if (!std::isfinite(value))
        throw UserError(
            msg(path, ": tensor '", short_quote(tensor->name), "' holds a non-finite value"));
    views.push_back({name, tensor->record.shape, values.back().data()});
    summary.parameter_count += values.back().size();
  }
  for (const LayerSpec& layer : layout.layers)
    if (layer.type == LayerType::Conv) ++summary.convolution_count;

  summary.source = msg("PyTorch checkpoint ", note_file_name(path), " (", hash.size,
                       " bytes, sha256 ", hash.sha256, "; ", reader->format(), " format; ",
                       layout.arch, ", ", layout.naming, " tensor names",
                       reader->state_dict().nested_under.empty()
                           ? std::string()
                           : " under '" + reader->state_dict().nested_under + "'",
                       "), preprocess preset ", preset.name, " (", preset.reason,
                       "), converted by nsrg convert_torch");
  if (!layout.dropped.empty())
    summary.source += "; fully-connected tensors dropped: " + comma_list(layout.dropped);
  write_model(options.output_path, layout.layers, preset.preprocess, summary.source, views);
  return summary;
}

}  // namespace nsrg
