// The CPU backend's results do not depend on its thread count: every op with a sum (the
// Gram and its backward with K split into chunks, both convolution paths, the losses, the
// optimizer reductions, the eigendecomposition, the randomizations and the blends' matrix
// functions) gives the same bytes on 1, 2 and 3 threads. The sizes pass the thresholds above
// which the loops and products run on several threads.
#include <cstring>

#include "engine/core/randomization.h"
#include "tests/cpu/cpu_test_support.h"

namespace nsrg::test {
namespace {

constexpr int kThreadCounts[] = {1, 2, 3};

// Runs `op` on a backend of each thread count; `op` returns the bytes of its results.
template <typename Op>
void expect_same_on_every_thread_count(Op op) {
  std::vector<float> first;
  for (int threads : kThreadCounts) {
    BackendOptions options;
    options.threads = threads;
    std::unique_ptr<Backend> backend = make_cpu_backend(options);
    const std::vector<float> result = op(*backend);
    ASSERT_FALSE(result.empty());
    if (first.empty()) {
      first = result;
      continue;
    }
    ASSERT_EQ(result.size(), first.size());
    size_t mismatch = 0;
    while (mismatch < first.size() &&
           std::memcmp(&result[mismatch], &first[mismatch], sizeof(float)) == 0)
      ++mismatch;
    EXPECT_EQ(mismatch, first.size()) << threads << " threads differ from 1 thread first at value "
                                      << mismatch << " of " << first.size();
  }
}

std::vector<float> concatenated(std::initializer_list<std::vector<float>> parts) {
  std::vector<float> all;
  for (const std::vector<float>& part : parts) all.insert(all.end(), part.begin(), part.end());
  return all;
}

ConvGeometry conv3x3(int in_channels, int out_channels) {
  ConvGeometry g;
  g.in_channels = in_channels;
  g.out_channels = out_channels;
  g.kernel_h = g.kernel_w = 3;
  g.stride_h = g.stride_w = 1;
  g.pad_h = g.pad_w = 1;
  return g;
}

// 64 channels of 192 x 192: three K-chunks; 512 channels of 32 x 32, where a threaded
// dnnl_sgemm's result changes with the thread count (as it does for 128 x 65536).
TEST(CpuThreadIndependence, GramAndBackward) {
  for (const Shape& features : {Shape{1, 64, 192, 192}, Shape{1, 512, 32, 32}}) {
    SCOPED_TRACE(features.str());
    const int c = features.c;
    const std::vector<float> f = random_values(features.numel(), 11);
    const std::vector<float> dg = random_values(size_t(c) * c, 12);
    expect_same_on_every_thread_count([&](Backend& b) {
      const Tensor tf = b.from_host(features, f.data());
      const Tensor tdg = b.from_host(Shape{1, 1, c, c}, dg.data());
      Tensor gram = b.empty(Shape{1, 1, c, c});
      Tensor df = b.empty(features);
      b.gram(tf, 1.0f / float(features.numel()), gram);
      b.gram_backward(tf, tdg, 0.5f, df);
      return concatenated({b.to_host(gram), b.to_host(df)});
    });
  }
}

// 3 input channels take the im2col + GEMM path, 64 oneDNN's convolution.
TEST(CpuThreadIndependence, ConvolutionsForwardAndBackwardData) {
  for (int in_channels : {3, 64}) {
    SCOPED_TRACE(in_channels);
    const ConvGeometry g = conv3x3(in_channels, 64);
    const Shape in{1, in_channels, 136, 136};
    const Shape out = g.output_shape(in);
    const std::vector<float> x = random_values(in.numel(), 21);
    const std::vector<float> w = random_values(g.weight_shape().numel(), 22);
    const std::vector<float> bias = random_values(64, 23);
    const std::vector<float> dy = random_values(out.numel(), 24);
    expect_same_on_every_thread_count([&](Backend& b) {
      const Tensor tx = b.from_host(in, x.data());
      const Tensor tw = b.from_host(g.weight_shape(), w.data());
      const Tensor tb = b.from_host(Shape{1, 64, 1, 1}, bias.data());
      const Tensor tdy = b.from_host(out, dy.data());
      Tensor y = b.empty(out);
      Tensor dx = b.empty(in);
      b.conv_forward(g, tx, tw, tb, y);
      b.conv_backward_data(g, tdy, tw, dx);
      return concatenated({b.to_host(y), b.to_host(dx)});
    });
  }
}

TEST(CpuThreadIndependence, LossesAndOptimizerReductions) {
  const Shape image{1, 3, 700, 700};  // past the threshold of the threaded loops
  const std::vector<float> x = random_values(image.numel(), 31);
  const std::vector<float> target = random_values(image.numel(), 32);
  expect_same_on_every_thread_count([&](Backend& b) {
    const Tensor tx = b.from_host(image, x.data());
    const Tensor tt = b.from_host(image, target.data());
    Tensor scalars = b.empty(Shape{1, 1, 1, 4});
    Tensor mse_grad = b.empty(image), tv_grad = b.empty(image), accumulated = b.empty(image);
    b.fill(mse_grad, 0.0f);
    b.fill(tv_grad, 0.0f);  // tv_loss adds its gradient
    b.fill(accumulated, 0.0f);
    b.mse_loss(tx, tt, 2.0f, {&scalars, 0}, mse_grad);
    b.tv_loss(tx, 0.5f, {&scalars, 1}, tv_grad);
    b.add_weighted_gradient(mse_grad, 3.0f, true, accumulated);
    b.dot(tx, tt, {&scalars, 2});
    b.asum(tx, {&scalars, 3});
    return concatenated(
        {b.to_host(scalars), b.to_host(mse_grad), b.to_host(tv_grad), b.to_host(accumulated)});
  });
}

TEST(CpuThreadIndependence, EigendecompositionAndEveryRandomization) {
  const int c = 256;
  const Shape square{1, 1, c, c};
  // A symmetric positive semi-definite matrix: a Gram of random features.
  const std::vector<float> f = random_values(size_t(c) * 600, 41);
  for (RandomizeMode mode : {RandomizeMode::ScaleEigenvectors, RandomizeMode::ReplaceEigenvectors,
                             RandomizeMode::RandomGram, RandomizeMode::ScaleEigenvalues}) {
    SCOPED_TRACE(int(mode));
    RandomizeSettings settings;
    settings.mode = mode;
    settings.mix = 0.75f;
    const GramRandomization params = gram_randomization(settings, 99, 1, 2);
    expect_same_on_every_thread_count([&](Backend& b) {
      const Tensor features = b.from_host(Shape{1, c, 20, 30}, f.data());
      Tensor gram = b.empty(square), vectors = b.empty(square), target = b.empty(square);
      Tensor values = b.empty(Shape{1, 1, 1, c});
      b.gram(features, 1.0f / 600.0f, gram);
      b.symmetric_eigen(gram, values, vectors);
      b.randomize_gram(gram, values, vectors, params, target);
      return concatenated({b.to_host(values), b.to_host(vectors), b.to_host(target)});
    });
  }
}

// The blends' matrix functions and sandwich (dsyevd and OpenBLAS dgemm on one thread).
TEST(CpuThreadIndependence, MatrixFunctionsAndSandwich) {
  const int c = 256;
  const Shape square{1, 1, c, c};
  // A Gram of 600 random pixels: positive definite, so its logarithm exists.
  const std::vector<float> f = random_values(size_t(c) * 600, 43);
  expect_same_on_every_thread_count([&](Backend& b) {
    const Tensor features = b.from_host(Shape{1, c, 20, 30}, f.data());
    Tensor gram = b.empty(square), root = b.empty(square), logarithm = b.empty(square);
    Tensor sandwich = b.empty(square);
    b.gram(features, 1.0f / 600.0f, gram);
    b.symmetric_function(gram, MatrixFunction::Sqrt, root);
    b.symmetric_function(gram, MatrixFunction::Log, logarithm);
    b.symmetric_sandwich(root, gram, sandwich);
    return concatenated({b.to_host(root), b.to_host(logarithm), b.to_host(sandwich)});
  });
}

}  // namespace
}  // namespace nsrg::test
