// A network's description and weights: the architecture (layers in order), how its input
// is preprocessed, and the parameter tensors, loaded from a weights file or built in.
#pragma once

#include <map>
#include <string>
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

}  // namespace nsrg
