// CUDA/CPU parity of the Gram matrix (cuBLAS SYRK plus mirroring) and its backward (SGEMM
// with dG + dG^T) at several channel counts and image sizes, and the exact symmetry of G;
// and both again with precision tf32 (cuBLAS's TF32 tensor-op math) within TF32's accuracy.
#include <string>
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

// precision = "tf32" sets CUBLAS_TF32_TENSOR_OP_MATH: SYRK and SGEMM may round their inputs
// to TF32 (10 mantissa bits, unit roundoff 2^-11 = 4.9e-4) and accumulate in float32. Each
// product is then off by up to ~1e-3 relative, and a sum of K such products by ~1e-3 of
// sum |a_k b_k|, which the normalization by max |expected| (a diagonal entry, the largest
// such sum) bounds; 5e-3 is the bound the TF32 convolution test uses too, and a wrong
// transpose, scale or triangle is off by order 1.
TEST(CudaGramTf32, GramAndBackwardWithinTf32Accuracy) {
  const std::string reason = cuda_skip_reason();
  if (!reason.empty()) GTEST_SKIP() << reason;
  auto cpu = make_cpu_backend();
  auto cuda = make_test_cuda_backend(with_precision(Precision::Tf32));
  ASSERT_NE(cuda->description().find("tf32"), std::string::npos) << cuda->description();
  unsigned seed = 250;
  for (const Shape& shape : {Shape{1, 64, 64, 64}, Shape{1, 256, 32, 32}, Shape{1, 130, 9, 13}}) {
    const int c = shape.c;
    const float scale = 1.0f / float(shape.numel());
    const std::vector<float> features = random_values(shape.numel(), seed++);
    const std::vector<float> dgram = random_values(size_t(c) * c, seed++);
    Tensor fc = cpu->from_host(shape, features.data()),
           fg = cuda->from_host(shape, features.data());
    Tensor gc = cpu->empty(Shape{1, 1, c, c}), gg = cuda->empty(Shape{1, 1, c, c});
    cpu->gram(fc, scale, gc);
    cuda->gram(fg, scale, gg);
    const std::vector<float> g = cuda->to_host(gg);
    EXPECT_LE(normalized_error(g, cpu->to_host(gc)), 5e-3) << "tf32 gram of " << shape.str();
    for (int i = 0; i < c; ++i)
      for (int j = 0; j < i; ++j)
        ASSERT_EQ(g[size_t(i) * c + j], g[size_t(j) * c + i]) << shape.str() << " symmetric";
    Tensor dc = cpu->from_host(Shape{1, 1, c, c}, dgram.data());
    Tensor dg = cuda->from_host(Shape{1, 1, c, c}, dgram.data());
    Tensor dfc = cpu->empty(shape), dfg = cuda->empty(shape);
    cpu->gram_backward(fc, dc, scale, dfc);
    cuda->gram_backward(fg, dg, scale, dfg);
    EXPECT_LE(normalized_error(cuda->to_host(dfg), cpu->to_host(dfc)), 5e-3)
        << "tf32 gram_backward of " << shape.str();
  }
}

}  // namespace
}  // namespace nsrg::test
