// A network's description and weights: the architecture (layers in order), how its input
// is preprocessed, and the parameter tensors, loaded from a weights file or built in.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/geometry.h"
#include "engine/core/preprocess.h"
#include "weights/safetensors.h"

namespace nsrg {

enum class LayerType { Conv, Relu, MaxPool, AvgPool };

struct LayerSpec {
  std::string name;
  LayerType type = LayerType::Relu;
  // Conv: out_channels, kernel, stride, pad (in_channels is filled in when the network is
  // built from the previous layer's output). Pools: kind, kernel, stride, pad, ceil_mode.
  ConvGeometry conv;
  PoolGeometry pool;
};

struct Model {
  std::vector<LayerSpec> layers;
  Preprocess preprocess;
  std::string source;  // nsrg.source: where the weights came from
  // "<conv layer>.weight" [K,C,kh,kw] and "<conv layer>.bias" [K]
  std::map<std::string, HostTensor> tensors;
  int input_channels = 3;

  bool has_layer(const std::string& name) const;
  // Throws UserError("no layer '<name>' in the network ...") when there is none.
  const LayerSpec& layer(const std::string& name) const;
};

// nsrg.architecture JSON <-> layers. `origin` names the file in error messages.
std::vector<LayerSpec> parse_architecture(const std::string& json, const std::string& origin);
std::string architecture_to_json(const std::vector<LayerSpec>& layers);
Preprocess parse_preprocess(const std::string& json, const std::string& origin);
std::string preprocess_to_json(const Preprocess& preprocess);

// "builtin:vgg19-random" or a path to a .safetensors weights file. Checks that every conv
// layer has weight and bias tensors of the right shapes (in_channels follow from the chain).
// Errors are UserErrors naming the file and the tensor or layer.
Model load_model(const std::string& spec);

// Writes a weights file (docs/design.md): the nsrg.* metadata (format "1", the architecture, the
// preprocess and the source note) and the tensors in the order given, F32, atomically
// (temporary file + rename). Every conv layer must have its "<layer>.weight" [K,C,kh,kw] and
// "<layer>.bias" [K] among `tensors` (InternalError otherwise: writers build them); other
// tensors (e.g. fully-connected layers) are written too and ignored by load_model.
void write_model(const std::string& path, const std::vector<LayerSpec>& layers,
                 const Preprocess& preprocess, const std::string& source,
                 const std::vector<TensorView>& tensors);

// Only the architecture of `spec` (in_channels filled in): the built-in one, or a weights
// file's validated header without its tensor data. For checking layer names cheaply.
std::vector<LayerSpec> load_architecture(const std::string& spec);

// The same, truncated after the layer `last_layer` (UserError naming the model and the layer
// when it has none); an empty `last_layer` keeps every layer. Tensors of the dropped layers
// are not kept (and, for the built-in model, not even generated).
Model load_model(const std::string& spec, const std::string& last_layer);

// The tensors a conv layer needs: {"<name>.weight", [K, C, kh, kw]} and {"<name>.bias", [K]}
// (in_channels must be filled in).
std::vector<std::pair<std::string, std::vector<int64_t>>> conv_tensor_shapes(
    const LayerSpec& layer);

// Sets each conv layer's in_channels from the channels its input has, starting from
// `input_channels` (convs change the count, ReLU and pooling keep it).
void assign_input_channels(std::vector<LayerSpec>& layers, int input_channels);

// The layers up to and including `last_layer` (all of them when it is empty). `origin` names
// the model in the UserError thrown when there is no such layer.
std::vector<LayerSpec> truncate_after(const std::vector<LayerSpec>& layers,
                                      const std::string& last_layer, const std::string& origin);

}  // namespace nsrg
