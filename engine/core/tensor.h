// Shape and Tensor: the float32 NCHW arrays that Backends own and operate on.
//
// A Tensor's memory belongs to the Backend that made it (host memory for the CPU backend,
// device memory for CUDA); the Tensor is move-only and gives the memory back to its backend
// when destroyed. Code outside a backend never dereferences data(): it passes Tensors to
// Backend operations and copies to or from the host with Backend::upload/download.
#pragma once

#include <cstddef>
#include <string>

namespace nsrg {

struct Shape {
  int n = 1, c = 1, h = 1, w = 1;

  size_t numel() const { return size_t(n) * size_t(c) * size_t(h) * size_t(w); }
  bool operator==(const Shape& o) const { return n == o.n && c == o.c && h == o.h && w == o.w; }
  bool operator!=(const Shape& o) const { return !(*this == o); }
  std::string str() const;  // "[n,c,h,w]"
};

class Backend;

class Tensor {
 public:
  Tensor() = default;
  Tensor(Backend* owner, const Shape& shape, float* data)
      : owner_(owner), shape_(shape), data_(data) {}
  ~Tensor();
  Tensor(Tensor&& other) noexcept;
  Tensor& operator=(Tensor&& other) noexcept;
  Tensor(const Tensor&) = delete;
  Tensor& operator=(const Tensor&) = delete;

  const Shape& shape() const { return shape_; }
  size_t numel() const { return shape_.numel(); }
  size_t bytes() const { return numel() * sizeof(float); }
  bool empty() const { return data_ == nullptr; }
  Backend* backend() const { return owner_; }

  // Raw storage: host pointer on the CPU backend, device pointer on CUDA. Backends only.
  float* data() { return data_; }
  const float* data() const { return data_; }

  // Reinterprets the same storage with another shape of the same element count.
  void reshape(const Shape& shape);

  // A non-owning Tensor over the first shape.numel() elements of this one's storage (for
  // scratch buffers reused at several shapes). It must not outlive this Tensor.
  Tensor view(const Shape& shape) const;

 private:
  void reset() noexcept;

  Backend* owner_ = nullptr;
  Shape shape_;
  float* data_ = nullptr;
};

// One element of a Tensor used as a device-resident scalar (losses, dot products, optimizer
// coefficients). The host reads it only through Backend::read_scalar, which synchronizes.
struct ScalarSlot {
  Tensor* array = nullptr;
  int index = 0;
};

}  // namespace nsrg
