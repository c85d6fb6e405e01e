// CUDA/CPU parity of the functions of symmetric matrices and the style blends built on them:
// symmetric_function (cuSOLVER syevd + cuBLAS DGEMM against LAPACK + OpenBLAS) for each
// function on real Grams of ReLU features (near-singular ones included), symmetric_sandwich,
// and blend_grams in each space, the Wasserstein fixed-point iteration included.
#include <cmath>
#include <vector>

#include "engine/core/error.h"
#include "engine/core/gram_blend.h"
#include "tests/cuda/cuda_test_support.h"
#include "tests/randomize/randomize_test_util.h"

namespace nsrg::test {
namespace {

using CudaMatrixFunctions = CudaParityTest;

// A Gram of ReLU features: singular when pixels < channels.
std::vector<float> relu_gram(int channels, int pixels, uint64_t seed) {
  return random_relu_gram(channels, pixels, seed);
}

TEST_F(CudaMatrixFunctions, SymmetricFunctionMatchesTheCpu) {
  for (int c : {1, 16, 128, 300}) {
    for (int pixels : {c / 2 + 1, 4 * c}) {
      std::vector<float> gram = relu_gram(c, pixels, 500 + c + pixels);
      // Shift as the blend does, so log and the inverse root are well defined.
      double largest = 0.0;
      for (int i = 0; i < c; ++i) largest = std::max(largest, double(gram[size_t(i) * c + i]));
      for (int i = 0; i < c; ++i) gram[size_t(i) * c + i] += float(1e-5 * largest);
      TensorPair matrix = pair(Shape{1, 1, c, c}, gram);
      for (MatrixFunction function : {MatrixFunction::Sqrt, MatrixFunction::InverseSqrt,
                                      MatrixFunction::Log, MatrixFunction::Exp}) {
        if (function == MatrixFunction::Exp) {  // exp of a Gram scaled to eigenvalues ~ 1
          cpu->scale(float(1.0 / largest), matrix.cpu);
          cuda->scale(float(1.0 / largest), matrix.cuda);
        }
        TensorPair out = empty_pair(Shape{1, 1, c, c});
        cpu->symmetric_function(matrix.cpu, function, out.cpu);
        cuda->symmetric_function(matrix.cuda, function, out.cuda);
        // Near-singular matrices' small eigen-directions depend on the solver's rounding.
        const double tolerance = function == MatrixFunction::InverseSqrt ? 1e-2 : 1e-4;
        expect_parity(out, tolerance,
                      msg(name_in(kMatrixFunctionNames, function), " C=", c, " pixels=", pixels));
        const std::vector<float> result = cuda->to_host(out.cuda);
        for (int i = 0; i < c; ++i)
          for (int j = 0; j < i; ++j)
            ASSERT_EQ(result[size_t(i) * c + j], result[size_t(j) * c + i]) << "symmetric";
      }
    }
  }
}

TEST_F(CudaMatrixFunctions, SandwichMatchesTheCpu) {
  for (int c : {1, 64, 257}) {
    TensorPair a = pair(Shape{1, 1, c, c}, relu_gram(c, 2 * c, 600 + c));
    TensorPair b = pair(Shape{1, 1, c, c}, relu_gram(c, c / 3 + 1, 700 + c));
    TensorPair out = empty_pair(Shape{1, 1, c, c});
    cpu->symmetric_sandwich(a.cpu, b.cpu, out.cpu);
    cuda->symmetric_sandwich(a.cuda, b.cuda, out.cuda);
    expect_parity(out, 1e-6, msg("A B A, C=", c));
  }
}

TEST_F(CudaMatrixFunctions, MisuseIsTheSameInternalError) {
  TensorPair negative = pair(Shape{1, 1, 2, 2}, {-1.0f, 0.0f, 0.0f, -2.0f});
  TensorPair out = empty_pair(Shape{1, 1, 2, 2});
  EXPECT_THROW(cuda->symmetric_function(negative.cuda, MatrixFunction::Log, out.cuda),
               InternalError);
  TensorPair nan = pair(Shape{1, 1, 2, 2}, {1.0f, NAN, NAN, 1.0f});
  EXPECT_THROW(cuda->symmetric_function(nan.cuda, MatrixFunction::Sqrt, out.cuda), InternalError);
}

TEST_F(CudaMatrixFunctions, BlendsMatchTheCpuInEverySpace) {
  const int c = 96;
  const std::vector<std::vector<float>> grams = {relu_gram(c, 40, 1), relu_gram(c, 400, 2),
                                                 relu_gram(c, 90, 3)};
  std::vector<TensorPair> pairs;
  for (const auto& gram : grams) pairs.push_back(pair(Shape{1, 1, c, c}, gram));
  for (BlendSpace space : {BlendSpace::Linear, BlendSpace::LogEuclidean, BlendSpace::Wasserstein})
    for (size_t count : {size_t(2), size_t(3)}) {
      std::vector<const Tensor*> on_cpu, on_cuda;
      for (size_t i = 0; i < count; ++i) {
        on_cpu.push_back(&pairs[i].cpu);
        on_cuda.push_back(&pairs[i].cuda);
      }
      const std::vector<float> weights =
          count == 2 ? std::vector<float>{0.4f, 0.6f} : std::vector<float>{0.2f, 0.5f, 0.3f};
      TensorPair out = empty_pair(Shape{1, 1, c, c});
      const BlendReport cpu_report = blend_grams(*cpu, on_cpu, weights, space, out.cpu);
      const BlendReport cuda_report = blend_grams(*cuda, on_cuda, weights, space, out.cuda);
      EXPECT_TRUE(cuda_report.converged);
      EXPECT_NEAR(cuda_report.iterations, cpu_report.iterations, 2);
      expect_parity(out, space == BlendSpace::Linear ? 1e-7 : 1e-4,
                    msg(name_in(kBlendSpaceNames, space), " of ", count));
    }
}

}  // namespace
}  // namespace nsrg::test
