// CUDA/CPU parity of the losses: MSE with its gradient, the weighted and L1-normalized
// gradient accumulation, total variation (loss and the added gradient), and reductions that
// give the same bits when repeated.
#include <vector>

#include "engine/core/error.h"
#include "tests/cuda/cuda_test_support.h"

namespace nsrg::test {
namespace {

using CudaLosses = CudaParityTest;

const Shape kShapes[] = {{1, 1, 1, 1}, {1, 3, 7, 5}, {1, 64, 32, 32}, {1, 3, 257, 131}};

TEST_F(CudaLosses, MseLossAndGradientMatchCpu) {
  unsigned seed = 300;
  for (const Shape& shape : kShapes) {
    TensorPair x = random_pair(shape, seed++);
    TensorPair target = random_pair(shape, seed++);
    TensorPair grad = empty_pair(shape);
    TensorPair scalars = filled_pair(Shape{1, 1, 1, 4}, -1.0f);
    cpu->mse_loss(x.cpu, target.cpu, 2.5f, slot(scalars.cpu, 2), grad.cpu);
    cuda->mse_loss(x.cuda, target.cuda, 2.5f, slot(scalars.cuda, 2), grad.cuda);
    expect_parity(grad, 1e-6, msg("mse gradient ", shape.str()));
    expect_scalar_parity(scalars, 2, 1e-6, msg("mse loss ", shape.str()));
    EXPECT_EQ(cuda->read_scalar(scalars.cuda, 1), -1.0f) << "neighbouring slot untouched";
  }
}

TEST_F(CudaLosses, MseGradientMayOverwriteItsInput) {
  const Shape shape{1, 5, 11, 13};
  TensorPair x = random_pair(shape, 310);
  TensorPair target = random_pair(shape, 311);
  TensorPair scalars = filled_pair(Shape{1, 1, 1, 1}, 0.0f);
  cpu->mse_loss(x.cpu, target.cpu, 1.0f, slot(scalars.cpu, 0), x.cpu);
  cuda->mse_loss(x.cuda, target.cuda, 1.0f, slot(scalars.cuda, 0), x.cuda);
  expect_parity(x, 1e-6, "mse in place");
  expect_scalar_parity(scalars, 0, 1e-6, "mse in place loss");
}

TEST_F(CudaLosses, AddWeightedGradientMatchesCpu) {
  unsigned seed = 400;
  for (const Shape& shape : kShapes) {
    for (bool normalize : {false, true}) {
      TensorPair grad = random_pair(shape, seed++, -3.0f, 3.0f);
      TensorPair accumulate = random_pair(shape, seed++);
      cpu->add_weighted_gradient(grad.cpu, 0.75f, normalize, accumulate.cpu);
      cuda->add_weighted_gradient(grad.cuda, 0.75f, normalize, accumulate.cuda);
      expect_parity(accumulate, 1e-6,
                    msg("add_weighted_gradient ", shape.str(), normalize ? " normalized" : ""));
    }
  }
}

TEST_F(CudaLosses, TotalVariationMatchesCpu) {
  unsigned seed = 500;
  const Shape shapes[] = {{1, 3, 1, 1}, {1, 3, 2, 9}, {1, 3, 64, 48}, {1, 3, 301, 203}};
  for (const Shape& shape : shapes) {
    TensorPair image = random_pair(shape, seed++, -100.0f, 100.0f);
    TensorPair grad = random_pair(shape, seed++);  // the TV gradient is added to it
    TensorPair scalars = filled_pair(Shape{1, 1, 1, 2}, 0.0f);
    cpu->tv_loss(image.cpu, 1e-3f, slot(scalars.cpu, 1), grad.cpu);
    cuda->tv_loss(image.cuda, 1e-3f, slot(scalars.cuda, 1), grad.cuda);
    expect_parity(grad, 1e-6, msg("tv gradient ", shape.str()));
    if (shape.h > 1 && shape.w > 1) {
      expect_scalar_parity(scalars, 1, 1e-6, msg("tv loss ", shape.str()));
    } else {
      EXPECT_EQ(cuda->read_scalar(scalars.cuda, 1), 0.0f) << "no (H-1)x(W-1) block";
    }
  }
}

TEST_F(CudaLosses, RepeatedReductionsGiveTheSameBits) {
  const Shape shape{1, 64, 100, 100};
  TensorPair x = random_pair(shape, 600);
  TensorPair target = random_pair(shape, 601);
  Tensor grad = cuda->empty(shape);
  Tensor scalars = cuda->zeros(Shape{1, 1, 1, 2});
  cuda->mse_loss(x.cuda, target.cuda, 1.0f, slot(scalars, 0), grad);
  cuda->mse_loss(x.cuda, target.cuda, 1.0f, slot(scalars, 1), grad);
  const std::vector<float> values = cuda->to_host(scalars);
  EXPECT_EQ(values[0], values[1]);
}

}  // namespace
}  // namespace nsrg::test
