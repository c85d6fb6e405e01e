// Convenience helpers shared by every Backend implementation.
#include "engine/core/backend.h"

namespace nsrg {

Tensor Backend::zeros(const Shape& shape) {
  Tensor t = empty(shape);
  fill(t, 0.0f);
  return t;
}

Tensor Backend::from_host(const Shape& shape, const float* host) {
  Tensor t = empty(shape);
  upload(host, t);
  return t;
}

std::vector<float> Backend::to_host(const Tensor& src) {
  std::vector<float> host(src.numel());
  download(src, host.data());
  return host;
}

}  // namespace nsrg
