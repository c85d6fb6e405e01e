// Shape checks shared by every Backend implementation, so each backend rejects the same
// misuse with the same message.
#pragma once

#include <cmath>

#include "engine/core/error.h"
#include "engine/core/randomization.h"
#include "engine/core/tensor.h"
#include "engine/core/window_rules.h"

namespace nsrg {

// Two non-empty tensors with the same number of elements (element-wise ops); `op` names the
// operation in the message.
inline void check_same_numel(const Tensor& a, const Tensor& b, const char* op) {
  NSRG_CHECK(!a.empty() && !b.empty(), op, ": empty tensor");
  NSRG_CHECK(a.numel() == b.numel(), op, ": ", a.shape().str(), " vs ", b.shape().str());
}

// features [1,C,H,W] and gram holding C*C elements.
inline void check_gram_shapes(const Tensor& features, const Tensor& gram) {
  const int channels = features.shape().c;
  NSRG_CHECK(features.shape().n == 1, "gram expects batch 1, got ", features.shape().str());
  NSRG_CHECK(gram.numel() == size_t(channels) * size_t(channels), "gram ", gram.shape().str(),
             " for features ", features.shape().str());
}

// mask_features: features [1,C,H,W], mask [1,1,H,W], out of the features' size, no aliasing.
inline void check_mask_shapes(const Tensor& features, const Tensor& mask, const Tensor& out) {
  const Shape& f = features.shape();
  const Shape& m = mask.shape();
  NSRG_CHECK(f.n == 1 && m.n == 1 && m.c == 1 && m.h == f.h && m.w == f.w, "mask_features mask ",
             m.str(), " for features ", f.str());
  NSRG_CHECK(out.numel() == features.numel(), "mask_features out ", out.shape().str(),
             " for features ", f.str());
  NSRG_CHECK(out.data() != features.data() && out.data() != mask.data(),
             "mask_features: out aliases an input");
}

// The arguments of Backend::copy_window; returns the planes and the window as the element rule
// (engine/core/window_rules.h) reads them.
inline WindowCopy check_window_copy(const Tensor& src, const Window& from, const Tensor& dst,
                                    int to_y, int to_x, bool accumulate) {
  const Shape& a = src.shape();
  const Shape& b = dst.shape();
  NSRG_CHECK(!src.empty() && !dst.empty() && a.n == 1 && b.n == 1 && a.c == b.c,
             "copy_window: ", a.str(), " into ", b.str());
  NSRG_CHECK(!from.empty() && from.y >= 0 && from.x >= 0 && from.y + from.h <= a.h &&
                 from.x + from.w <= a.w && to_y >= 0 && to_x >= 0 && to_y + from.h <= b.h &&
                 to_x + from.w <= b.w,
             "copy_window: window ", from.h, "x", from.w, " at (", from.y, ",", from.x, ") of ",
             a.str(), " to (", to_y, ",", to_x, ") of ", b.str());
  NSRG_CHECK(src.data() != dst.data(), "copy_window: source and destination are one tensor");
  return WindowCopy{a.h, a.w, b.h, b.w, from, to_y, to_x, accumulate};
}

// C of a [1,1,C,C] tensor.
inline int square_size(const Tensor& tensor, const char* what) {
  const Shape& shape = tensor.shape();
  NSRG_CHECK(!tensor.empty() && shape.n == 1 && shape.c == 1 && shape.h == shape.w, what,
             " must be a non-empty [1,1,C,C] tensor, got ", shape.str());
  return shape.h;
}

// The arguments of Backend::symmetric_eigen: a [1,1,C,C] matrix, C eigenvalues and
// eigenvectors of the matrix's shape. Returns C.
inline int check_eigen_arguments(const Tensor& matrix, const Tensor& eigenvalues,
                                 const Tensor& eigenvectors) {
  const int channels = square_size(matrix, "symmetric_eigen matrix");
  const size_t c = size_t(channels);
  NSRG_CHECK(eigenvalues.numel() == c, "symmetric_eigen: eigenvalues ", eigenvalues.shape().str(),
             " for a ", c, "x", c, " matrix");
  NSRG_CHECK(eigenvectors.shape() == matrix.shape(), "symmetric_eigen: eigenvectors ",
             eigenvectors.shape().str(), " for a matrix ", matrix.shape().str());
  return channels;
}

// The operands of symmetric_function and symmetric_sandwich: [1,1,C,C] tensors of one shape
// (`op` names the operation). Returns C.
inline int check_square_operands(const Tensor& first, const Tensor& second, const Tensor& out,
                                 const char* op) {
  const int channels = square_size(first, op);
  NSRG_CHECK(second.shape() == first.shape() && out.shape() == first.shape(), op, ": ",
             first.shape().str(), ", ", second.shape().str(), " and out ", out.shape().str());
  return channels;
}

// The arguments of Backend::randomize_gram: a [1,1,C,C] gram, a target of its shape and
// finite parameters. Returns C.
inline int check_randomize_arguments(const Tensor& gram, const GramRandomization& params,
                                     const Tensor& target) {
  const int channels = square_size(gram, "randomize_gram gram");
  NSRG_CHECK(target.shape() == gram.shape(), "randomize_gram: target ", target.shape().str(),
             " for a gram ", gram.shape().str());
  NSRG_CHECK(std::isfinite(params.lo) && std::isfinite(params.hi) && std::isfinite(params.mix),
             "randomize_gram: non-finite parameter (lo ", params.lo, ", hi ", params.hi, ", mix ",
             params.mix, ")");
  return channels;
}

}  // namespace nsrg
