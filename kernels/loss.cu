// Loss kernels (see loss.cuh): MSE with its gradient, weighted/normalized gradient
// accumulation, total variation with its gradient. The element and total rules are
// engine/core/loss_rules.h's, which the CPU backend runs too; this file holds the launches
// and the access pattern (one thread an element, the deterministic reduction's order).
#include "engine/core/elementwise_rules.h"
#include "engine/core/loss_rules.h"
#include "kernels/deterministic_reduce.cuh"
#include "kernels/launch_config.cuh"
#include "kernels/loss.cuh"

namespace nsrg::kernels {
namespace {

// Writes element i's gradient and returns its squared difference.
struct MseTerm {
  const float* x;
  const float* target;
  float* grad;
  float gradient_scale;
  __device__ double operator()(size_t i) const {
    return mse_element(x, target, gradient_scale, grad, i);
  }
};

struct MseLoss {
  float weight;
  size_t count;
  __device__ double operator()(double squares) const {
    return mse_loss_value(weight, squares, count);
  }
};

// norm: the device-resident L1 norm of normalize_gradients, or null. The factor is computed
// once per thread.
__global__ void add_weighted_kernel(const float* grad, size_t count, float weight,
                                    const double* norm, float* accumulate) {
  const float factor = weighted_gradient_factor(weight, norm);
  for (size_t i = first_index(); i < count; i += grid_stride())
    axpy_element(factor, grad, accumulate, i);
}

// Element (plane, i, j) of the image: adds its share of the TV gradient and returns its own
// term's value.
struct TvTerm {
  const float* x;
  float* grad;
  int height, width;
  float weight;
  __device__ double operator()(size_t index) const {
    const int j = int(index % size_t(width));
    const int i = int((index / size_t(width)) % size_t(height));
    return tv_element(x + index, i, j, height, width, weight, grad + index);
  }
};

struct TvLoss {
  float weight;
  __device__ double operator()(double energy) const { return tv_loss_value(weight, energy); }
};

}  // namespace

void launch_mse_loss(const float* x, const float* target, size_t count, float weight,
                     const ReduceScratch& scratch, float* loss, float* grad, cudaStream_t stream) {
  reduce(count, MseTerm{x, target, grad, mse_gradient_scale(count)}, scratch,
         MseLoss{weight, count}, loss, nullptr, stream);
}

void launch_add_weighted_gradient(const float* grad, size_t count, float weight, bool normalize,
                                  const ReduceScratch& scratch, double* norm_scratch,
                                  float* accumulate, cudaStream_t stream) {
  if (normalize) reduce(count, AbsTerm{grad}, scratch, PlainTotal{}, nullptr, norm_scratch, stream);
  launch_grid_stride(add_weighted_kernel, count, stream, grad, count, weight,
                     normalize ? norm_scratch : nullptr, accumulate);
}

void launch_tv_loss(const float* image, int planes, int height, int width, float weight,
                    const ReduceScratch& scratch, float* loss, float* grad, cudaStream_t stream) {
  const size_t count = size_t(planes) * size_t(height) * size_t(width);
  reduce(count, TvTerm{image, grad, height, width, weight}, scratch, TvLoss{weight}, loss, nullptr,
         stream);
}

}  // namespace nsrg::kernels
