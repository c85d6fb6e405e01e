// The masked (guided) Gram of a region, its backward, and the masks at each style layer.
#include "engine/net/masked_gram.h"

#include <algorithm>

#include "engine/core/error.h"

namespace nsrg {

float masked_gram_scale(int channels, double mass) {
  NSRG_CHECK(channels > 0 && mass > 0, "masked_gram_scale: ", channels, " channels, mass ", mass);
  return float(1.0 / (double(channels) * mass));
}

void masked_gram(Backend& backend, const Tensor& features, const Tensor& mask, float scale,
                 Tensor& masked, Tensor& gram) {
  backend.mask_features(features, mask, masked);
  backend.gram(masked, scale, gram);
}

void masked_gram_backward(Backend& backend, Tensor& masked, const Tensor& mask, const Tensor& dgram,
                          float scale, Tensor& scratch) {
  // d(masked) = scale (dG + dG^T) masked into scratch; times the mask into `masked`, which
  // the forward's value is no longer needed for.
  backend.gram_backward(masked, dgram, scale, scratch);
  backend.mask_features(scratch, mask, masked);
}

namespace {

double mass_of(Backend& backend, const Tensor& mask) {
  double mass = 0;
  for (float value : backend.to_host(mask)) mass += double(value) * double(value);
  return mass;
}

}  // namespace

LayerMasks layer_masks(Backend& backend, const Network& network, const std::vector<float>& values,
                       int height, int width, const std::vector<std::string>& names,
                       const std::string& what) {
  NSRG_CHECK(values.size() == size_t(height) * size_t(width), "layer_masks: ", values.size(),
             " values for ", width, "x", height);
  LayerMasks masks;
  int deepest = -1;
  for (const std::string& name : names) {
    const int index = network.index_of(name);
    NSRG_CHECK(index >= 0, "layer ", name, " not in the network");
    deepest = std::max(deepest, index);
  }
  Tensor current = backend.from_host({1, 1, height, width}, values.data());
  for (int i = 0; i <= deepest; ++i) {
    const LayerSpec& layer = network.layer(i);
    const Shape& in = current.shape();
    if (layer.type == LayerType::MaxPool || layer.type == LayerType::AvgPool) {
      PoolGeometry average = layer.pool;
      average.kind = PoolKind::Average;
      Tensor pooled = backend.empty(average.output_shape(in));
      backend.pool_forward(average, current, pooled);
      current = std::move(pooled);
    } else if (layer.type == LayerType::Conv) {
      const Shape out = layer.conv.output_shape({1, layer.conv.in_channels, in.h, in.w});
      if (out.h != in.h || out.w != in.w)
        throw UserError(msg(what, ": layer ", layer.name, " changes the size (", in.w, "x", in.h,
                            " to ", out.w, "x", out.h, "), which region masks cannot follow"));
    }
    if (std::find(names.begin(), names.end(), layer.name) == names.end()) continue;
    LayerMask entry;
    entry.mass = mass_of(backend, current);
    if (!(entry.mass > 0))
      throw UserError(msg(what, ": the mask has no mass at layer ", layer.name, " (",
                          current.shape().w, "x", current.shape().h,
                          "); paint the region larger or use an earlier layer"));
    entry.mask = backend.empty(current.shape());
    backend.copy(current, entry.mask);
    masks.emplace(layer.name, std::move(entry));
  }
  return masks;
}

}  // namespace nsrg
