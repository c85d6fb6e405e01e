// write_model: the one place that builds a weights file's nsrg.* metadata (converters and
// nsrg-bench's export call it), after checking that the tensors fit the architecture.
#include <map>

#include "engine/core/error.h"
#include "weights/model.h"

namespace nsrg {
namespace {

// The tensors must fit the chain: every conv's weight [K, C, kh, kw] and bias [K], with C the
// previous conv's K. The network's input channels are whatever the first conv takes (a
// converter may write a 1-channel network; the engine's loader is the one that wants 3).
void check_conv_tensors(std::vector<LayerSpec> layers, const std::vector<TensorView>& tensors) {
  std::map<std::string, const TensorView*> by_name;
  for (const TensorView& tensor : tensors) by_name[tensor.name] = &tensor;
  int input_channels = 0;
  for (const LayerSpec& layer : layers) {
    if (layer.type != LayerType::Conv) continue;
    const auto first = by_name.find(layer.name + ".weight");
    NSRG_CHECK(first != by_name.end() && first->second->shape.size() == 4,
               "write_model: no 4-d tensor '", layer.name, ".weight'");
    input_channels = int(first->second->shape[1]);
    break;
  }
  assign_input_channels(layers, input_channels);
  for (const LayerSpec& layer : layers) {
    if (layer.type != LayerType::Conv) continue;
    for (const auto& [name, shape] : conv_tensor_shapes(layer)) {
      const auto found = by_name.find(name);
      NSRG_CHECK(found != by_name.end(), "write_model: no tensor '", name, "'");
      NSRG_CHECK(found->second->shape == shape, "write_model: tensor '", name,
                 "' does not fit layer ", layer.name);
    }
  }
}

}  // namespace

void write_model(const std::string& path, const std::vector<LayerSpec>& layers,
                 const Preprocess& preprocess, const std::string& source,
                 const std::vector<TensorView>& tensors) {
  check_conv_tensors(layers, tensors);
  const std::map<std::string, std::string> metadata = {
      {"nsrg.format", "1"},
      {"nsrg.architecture", architecture_to_json(layers)},
      {"nsrg.preprocess", preprocess_to_json(preprocess)},
      {"nsrg.source", source},
  };
  write_safetensors(path, metadata, tensors);
}

}  // namespace nsrg
