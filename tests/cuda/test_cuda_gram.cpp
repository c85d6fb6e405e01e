// CUDA/CPU parity of the Gram matrix (cuBLAS SYRK plus mirroring) and its backward (SGEMM
// with dG + dG^T) at several channel counts and image sizes, and the exact symmetry of G.
#include <vector>

#include "engine/core/error.h"
#include "tests/cuda/cuda_test_support.h"

namespace nsrg::test {
namespace {

using CudaGram = CudaParityTest;

const Shape kFeatureShapes[] = {{1, 3, 5, 7}, {1, 64, 16, 16}, {1, 130, 9, 13}, {1, 1, 4, 4}};

TEST_F(CudaGram, GramMatchesCpuAndIsSymmetric) {
  unsigned seed = 100;
  for (const Shape& shape : kFeatureShapes) {
    const int c = shape.c;
    const float scale = 1.0f / float(shape.numel());
    TensorPair features = random_pair(shape, seed++);
    TensorPair gram = empty_pair(Shape{1, 1, c, c});
    cpu->gram(features.cpu, scale, gram.cpu);
    cuda->gram(features.cuda, scale, gram.cuda);
    expect_parity(gram, 1e-5, msg("gram of ", shape.str()));
    const std::vector<float> g = cuda->to_host(gram.cuda);
    for (int i = 0; i < c; ++i)
      for (int j = 0; j < c; ++j)
        ASSERT_EQ(g[size_t(i) * c + j], g[size_t(j) * c + i])
            << shape.str() << " " << i << "," << j;
  }
}

TEST_F(CudaGram, GramBackwardMatchesCpuForAnAsymmetricGradient) {
  unsigned seed = 200;
  for (const Shape& shape : kFeatureShapes) {
    const int c = shape.c;
    const float scale = 1.0f / float(shape.numel());
    TensorPair features = random_pair(shape, seed++);
    TensorPair dgram = random_pair(Shape{1, 1, c, c}, seed++);
    TensorPair dfeatures = filled_pair(shape, 7.0f);  // overwritten
    cpu->gram_backward(features.cpu, dgram.cpu, scale, dfeatures.cpu);
    cuda->gram_backward(features.cuda, dgram.cuda, scale, dfeatures.cuda);
    expect_parity(dfeatures, 1e-5, msg("gram_backward of ", shape.str()));
  }
}

}  // namespace
}  // namespace nsrg::test
