// Convenience helpers shared by every Backend implementation.
#include "engine/core/backend.h"

#include <chrono>

namespace nsrg {

double Backend::time_ms(const std::function<void()>& work) {
  synchronize();
  const auto start = std::chrono::steady_clock::now();
  work();
  synchronize();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

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
