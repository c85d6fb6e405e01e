// Tensor lifetime (moves and release to the owning Backend) and Shape printing.
#include "engine/core/tensor.h"

#include <utility>

#include "engine/core/backend.h"
#include "engine/core/error.h"

namespace nsrg {

std::string Shape::str() const {
  return msg("[", n, ",", c, ",", h, ",", w, "]");
}

Tensor::~Tensor() {
  reset();
}

Tensor::Tensor(Tensor&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)),
      shape_(other.shape_),
      data_(std::exchange(other.data_, nullptr)) {}

Tensor& Tensor::operator=(Tensor&& other) noexcept {
  if (this != &other) {
    reset();
    owner_ = std::exchange(other.owner_, nullptr);
    shape_ = other.shape_;
    data_ = std::exchange(other.data_, nullptr);
  }
  return *this;
}

void Tensor::reshape(const Shape& shape) {
  NSRG_CHECK(shape.numel() == shape_.numel(), "reshape ", shape_.str(), " to ", shape.str());
  shape_ = shape;
}

Tensor Tensor::view(const Shape& shape) const {
  NSRG_CHECK(shape.numel() <= shape_.numel(), "view ", shape.str(), " of ", shape_.str());
  return Tensor(nullptr, shape, data_);
}

void Tensor::reset() noexcept {
  if (owner_ != nullptr && data_ != nullptr) owner_->release(data_);
  owner_ = nullptr;
  data_ = nullptr;
}

}  // namespace nsrg
