// Content feature and blended style Gram capture (once per render session).
#include "engine/net/targets.h"

#include <algorithm>

#include "engine/core/error.h"
#include "engine/net/tiled_forward.h"

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

namespace {

// capture_features tile by tile: each tile's interior of every layer copied into place.
std::map<std::string, Tensor> capture_features_tiled(Backend& backend, Network& network,
                                                     const Tensor& image,
                                                     const std::vector<std::string>& layers,
                                                     int tile_size) {
  TiledForward tiles(backend, network, deepest_layer(network, layers), image.shape(), tile_size);
  std::map<std::string, Tensor> features;
  for (const std::string& name : layers)
    features.emplace(name, backend.empty(tiles.whole_shape(network.index_of(name))));
  for (const Tile& tile : tiles.plan().tiles) {
    tiles.forward(image, tile);
    for (const std::string& name : layers) {
      const int layer = network.index_of(name);
      const Window from = tiles.interior(tile, layer, true);
      if (from.empty()) continue;
      const Window to = tiles.interior(tile, layer, false);
      backend.copy_window(network.activation(layer), from, features.at(name), to.y, to.x, false);
    }
  }
  return features;
}

// One image's Grams tile by tile, added into `grams` with weight `blend`.
void add_grams_tiled(Backend& backend, Network& network, const Tensor& image, float blend,
                     const std::vector<std::string>& layers, int tile_size,
                     std::map<std::string, Tensor>& grams, Tensor& scratch) {
  TiledForward tiles(backend, network, deepest_layer(network, layers), image.shape(), tile_size);
  Tensor interior_storage;
  for (const Tile& tile : tiles.plan().tiles) {
    tiles.forward(image, tile);
    for (const std::string& name : layers) {
      const int layer = network.index_of(name);
      const Tensor interior = tiles.interior_features(tile, layer, interior_storage);
      if (interior.empty()) continue;
      const Shape& whole = tiles.whole_shape(layer);
      const Shape gram_shape{1, 1, whole.c, whole.c};
      auto it = grams.find(name);
      if (it == grams.end()) it = grams.emplace(name, backend.zeros(gram_shape)).first;
      Tensor gram = scratch_view(backend, scratch, gram_shape);
      backend.gram(interior, 1.0f / float(whole.numel()), gram);
      backend.axpy(blend, gram, it->second);
    }
  }
}

}  // namespace

std::map<std::string, Tensor> capture_features(Backend& backend, Network& network,
                                               const Tensor& image,
                                               const std::vector<std::string>& layers,
                                               int tile_size) {
  std::map<std::string, Tensor> features;
  if (layers.empty()) return features;
  if (tile_size > 0) return capture_features_tiled(backend, network, image, layers, tile_size);
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
                                            const std::vector<std::string>& layers, int tile_size,
                                            const std::vector<LayerMasks>& image_masks) {
  NSRG_CHECK(images.size() == blend.size(), "blend weights ", blend.size(), " for ", images.size(),
             " style images");
  NSRG_CHECK(image_masks.empty() || (image_masks.size() == images.size() && tile_size == 0),
             image_masks.size(), " style masks for ", images.size(), " style images, tile size ",
             tile_size);
  std::map<std::string, Tensor> grams;
  if (layers.empty()) return grams;
  const int last = deepest_layer(network, layers);
  Tensor scratch, masked;
  for (size_t i = 0; i < images.size(); ++i) {
    if (tile_size > 0) {
      add_grams_tiled(backend, network, *images[i], blend[i], layers, tile_size, grams, scratch);
      continue;
    }
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
      if (image_masks.empty()) {
        backend.gram(features, scale, gram);
      } else {
        const LayerMask& mask = image_masks[i].at(name);
        Tensor masked_view = scratch_view(backend, masked, s);
        masked_gram(backend, features, mask.mask, masked_gram_scale(s.c, mask.mass), masked_view,
                    gram);
      }
      backend.axpy(blend[i], gram, it->second);
    }
  }
  return grams;
}

}  // namespace nsrg
