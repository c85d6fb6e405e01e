// Loading a Model: the built-in one by name, or a safetensors weights file whose metadata
// and tensors are checked against the architecture it declares.
#include "weights/model.h"

#include <cmath>
#include <set>

#include "engine/core/error.h"
#include "engine/core/utf8.h"
#include "weights/builtin_vgg19.h"

namespace nsrg {
namespace {

constexpr char kBuiltinPrefix[] = "builtin:";
constexpr int kInputChannels = 3;

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? "," : "") + std::to_string(shape[i]);
  return text + "]";
}

std::string layer_names(const std::vector<LayerSpec>& layers) {
  std::string names;
  for (const LayerSpec& layer : layers) names += (names.empty() ? "" : " ") + layer.name;
  return names;
}

const std::string& required_metadata(const SafetensorsFile& file, const std::string& path,
                                     const char* key) {
  const auto found = file.metadata.find(key);
  if (found == file.metadata.end())
    throw UserError(msg(path, ": metadata key ", key,
                        " is missing (not an nsrg weights file? convert it with convert_caffe)"));
  return found->second;
}

// Moves "<layer>.weight" and "<layer>.bias" of every conv layer into `kept`, checking their
// shapes and values.
void take_conv_tensors(const std::vector<LayerSpec>& layers, const std::string& path,
                       std::map<std::string, HostTensor>& tensors,
                       std::map<std::string, HostTensor>& kept) {
  for (const LayerSpec& layer : layers) {
    if (layer.type != LayerType::Conv) continue;
    for (const auto& [name, shape] : conv_tensor_shapes(layer)) {
      const auto found = tensors.find(name);
      if (found == tensors.end())
        throw UserError(msg(path, ": tensor '", name, "' of layer ", layer.name, " is missing"));
      if (found->second.shape != shape)
        throw UserError(msg(path, ": tensor '", name, "' has shape ",
                            shape_text(found->second.shape), ", expected ", shape_text(shape)));
      for (float value : found->second.data)
        if (!std::isfinite(value))
          throw UserError(msg(path, ": tensor '", name, "' holds a non-finite value"));
      kept[name] = std::move(found->second);
      tensors.erase(found);
    }
  }
}

// The validated header's architecture, with in_channels filled in (no tensor data read).
std::vector<LayerSpec> read_file_architecture(const std::string& path) {
  const SafetensorsFile header_only =
      read_safetensors(path, [](const std::string&) { return false; });
  const std::string& format = required_metadata(header_only, path, "nsrg.format");
  if (format != "1")
    throw UserError(
        msg(path, ": nsrg.format is \"", short_quote(format), "\", this build reads \"1\""));
  std::vector<LayerSpec> layers =
      parse_architecture(required_metadata(header_only, path, "nsrg.architecture"), path);
  assign_input_channels(layers, kInputChannels);
  return layers;
}

Model load_weights_file(const std::string& path, const std::string& last_layer) {
  // Validate the header first and read only the tensors of the kept conv layers, so extra
  // tensors (the fully-connected layers, ~400 MB for VGG) are never loaded.
  std::vector<LayerSpec> layers;
  std::set<std::string> wanted;
  {
    layers = truncate_after(read_file_architecture(path), last_layer, path);
    for (const LayerSpec& layer : layers) {
      if (layer.type != LayerType::Conv) continue;
      wanted.insert(layer.name + ".weight");
      wanted.insert(layer.name + ".bias");
    }
  }
  SafetensorsFile file =
      read_safetensors(path, [&](const std::string& name) { return wanted.count(name) != 0; });
  Model model;
  model.layers = std::move(layers);
  model.preprocess = parse_preprocess(required_metadata(file, path, "nsrg.preprocess"), path);
  const auto source = file.metadata.find("nsrg.source");
  model.source = source == file.metadata.end() ? path : source->second;
  model.input_channels = kInputChannels;
  take_conv_tensors(model.layers, path, file.tensors, model.tensors);
  return model;
}

}  // namespace

bool Model::has_layer(const std::string& name) const {
  for (const LayerSpec& spec : layers)
    if (spec.name == name) return true;
  return false;
}

const LayerSpec& Model::layer(const std::string& name) const {
  for (const LayerSpec& spec : layers)
    if (spec.name == name) return spec;
  throw UserError(msg("no layer '", name, "' in the network (layers: ", layer_names(layers), ")"));
}

std::vector<std::pair<std::string, std::vector<int64_t>>> conv_tensor_shapes(
    const LayerSpec& layer) {
  const ConvGeometry& conv = layer.conv;
  return {
      {layer.name + ".weight", {conv.out_channels, conv.in_channels, conv.kernel_h, conv.kernel_w}},
      {layer.name + ".bias", {conv.out_channels}}};
}

void assign_input_channels(std::vector<LayerSpec>& layers, int input_channels) {
  int channels = input_channels;
  for (LayerSpec& layer : layers) {
    if (layer.type != LayerType::Conv) continue;
    layer.conv.in_channels = channels;
    channels = layer.conv.out_channels;
  }
}

std::vector<LayerSpec> truncate_after(const std::vector<LayerSpec>& layers,
                                      const std::string& last_layer, const std::string& origin) {
  if (last_layer.empty()) return layers;
  for (size_t i = 0; i < layers.size(); ++i)
    if (layers[i].name == last_layer)
      return std::vector<LayerSpec>(layers.begin(), layers.begin() + i + 1);
  throw UserError(msg(origin, ": no layer '", last_layer,
                      "' in the network (layers: ", layer_names(layers), ")"));
}

namespace {
// True for the built-in model's name, false for a file path; an unknown "builtin:" name is
// a UserError.
bool is_builtin_spec(const std::string& spec) {
  if (spec.rfind(kBuiltinPrefix, 0) != 0) return false;
  if (spec != kBuiltinVgg19Name)
    throw UserError(msg("unknown built-in model '", spec, "' (known: ", kBuiltinVgg19Name, ")"));
  return true;
}
}  // namespace

std::vector<LayerSpec> load_architecture(const std::string& spec) {
  return is_builtin_spec(spec) ? vgg19_architecture() : read_file_architecture(spec);
}

Model load_model(const std::string& spec) {
  return load_model(spec, "");
}

Model load_model(const std::string& spec, const std::string& last_layer) {
  if (is_builtin_spec(spec)) return make_builtin_vgg19(BuiltinVggRecipe{}, last_layer);
  return load_weights_file(spec, last_layer);
}

}  // namespace nsrg
