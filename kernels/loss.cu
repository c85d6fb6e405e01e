// Loss kernels (see loss.cuh): MSE with its gradient, weighted/normalized gradient
// accumulation, total variation with its gradient.
#include "kernels/deterministic_reduce.cuh"
#include "kernels/launch_config.cuh"
#include "kernels/loss.cuh"

namespace nsrg::kernels {
namespace {

// Writes grad_i = 2 d / count and returns d^2, with d = x_i - target_i.
struct MseTerm {
  const float* x;
  const float* target;
  float* grad;
  float gradient_scale;  // 2 / count
  __device__ double operator()(size_t i) const {
    const float difference = x[i] - target[i];
    grad[i] = gradient_scale * difference;
    return double(difference) * double(difference);
  }
};

struct AbsTerm {
  const float* a;
  __device__ double operator()(size_t i) const { return fabs(double(a[i])); }
};

__global__ void add_weighted_kernel(const float* grad, size_t count, float weight,
                                    const double* norm, float* accumulate) {
  // The factor is computed once per thread from the device-resident norm.
  const float factor = norm != nullptr ? float(double(weight) / (*norm + 1e-8)) : weight;
  for (size_t i = first_index(); i < count; i += grid_stride()) accumulate[i] += grad[i] * factor;
}

// Element (plane, i, j) of the image: adds its share of the TV gradient (gathered from the
// up to three terms that contain it, in a fixed order) and returns its own term's value.
struct TvTerm {
  const float* x;
  float* grad;
  int height, width;
  float weight;
  __device__ double operator()(size_t index) const {
    const int j = int(index % size_t(width));
    const int i = int((index / size_t(width)) % size_t(height));
    const float here = x[index];
    float gradient = 0.0f;
    double term = 0.0;
    if (i < height - 1 && j < width - 1) {
      const float right = here - x[index + 1];
      const float down = here - x[index + width];
      gradient += right + down;
      term = double(right) * double(right) + double(down) * double(down);
    }
    if (i < height - 1 && j >= 1) gradient += here - x[index - 1];
    if (i >= 1 && j < width - 1) gradient += here - x[index - width];
    grad[index] += weight * gradient;
    return term;
  }
};

}  // namespace

void launch_mse_loss(const float* x, const float* target, size_t count, float weight,
                     const ReduceScratch& scratch, float* loss, float* grad, cudaStream_t stream) {
  const double n = double(count > 0 ? count : 1);
  reduce(count, MseTerm{x, target, grad, float(2.0 / n)}, scratch, double(weight) / n, loss,
         nullptr, stream);
}

void launch_add_weighted_gradient(const float* grad, size_t count, float weight, bool normalize,
                                  const ReduceScratch& scratch, double* norm_scratch,
                                  float* accumulate, cudaStream_t stream) {
  if (normalize) reduce(count, AbsTerm{grad}, scratch, 1.0, nullptr, norm_scratch, stream);
  launch_grid_stride(add_weighted_kernel, count, stream, grad, count, weight,
                     normalize ? norm_scratch : nullptr, accumulate);
}

void launch_tv_loss(const float* image, int planes, int height, int width, float weight,
                    const ReduceScratch& scratch, float* loss, float* grad, cudaStream_t stream) {
  const size_t count = size_t(planes) * size_t(height) * size_t(width);
  reduce(count, TvTerm{image, grad, height, width, weight}, scratch, 0.5 * double(weight), loss,
         nullptr, stream);
}

}  // namespace nsrg::kernels
