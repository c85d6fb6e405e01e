// Content feature and blended style Gram capture (once per render session).
#include "engine/net/targets.h"

#include <algorithm>

#include "engine/core/error.h"

namespace nsrg {

int deepest_layer(const Network& network, const std::vector<std::string>& layers) {
  int deepest = -1;
  for (const std::string& name : layers) {
    const int index = network.index_of(name);
    NSRG_CHECK(index >= 0, "layer ", name, " not in network");
    deepest = std::max(deepest, index);
  }
  return deepest;
}

std::map<std::string, Tensor> capture_features(Backend& backend, Network& network,
                                               const Tensor& image,
                                               const std::vector<std::string>& layers) {
  std::map<std::string, Tensor> features;
  if (layers.empty()) return features;
  network.forward(image, deepest_layer(network, layers));
  for (const std::string& name : layers) {
    const Tensor& activation = network.activation(network.index_of(name));
    Tensor copy = backend.empty(activation.shape());
    backend.copy(activation, copy);
    features.emplace(name, std::move(copy));
  }
  return features;
}

std::map<std::string, Tensor> capture_grams(Backend& backend, Network& network,
                                            const std::vector<const Tensor*>& images,
                                            const std::vector<float>& blend,
                                            const std::vector<std::string>& layers) {
  NSRG_CHECK(images.size() == blend.size(), "blend weights ", blend.size(), " for ", images.size(),
             " style images");
  std::map<std::string, Tensor> grams;
  if (layers.empty()) return grams;
  const int last = deepest_layer(network, layers);
  Tensor scratch;
  for (size_t i = 0; i < images.size(); ++i) {
    network.forward(*images[i], last);
    for (const std::string& name : layers) {
      const Tensor& features = network.activation(network.index_of(name));
      const Shape& s = features.shape();
      const Shape gram_shape{1, 1, s.c, s.c};
      const float scale = 1.0f / float(size_t(s.c) * s.h * s.w);
      auto it = grams.find(name);
      if (it == grams.end()) it = grams.emplace(name, backend.zeros(gram_shape)).first;
      if (scratch.numel() < gram_shape.numel()) scratch = backend.empty(gram_shape);
      Tensor gram = scratch.view(gram_shape);
      backend.gram(features, scale, gram);
      backend.axpy(blend[i], gram, it->second);
    }
  }
  return grams;
}

}  // namespace nsrg
