// A tiny network on the CPU backend, conv -> relu -> max pool (ceil) -> gram, with the loss
// L = <R, G>; its backward pass through every op is checked by finite differences.
#include "tests/cpu/cpu_test_support.h"

namespace nsrg::test {
namespace {

TEST_F(CpuBackendTest, ConvReluPoolGramChainMatchesFiniteDifferences) {
  ConvGeometry conv;
  conv.in_channels = 3;
  conv.out_channels = 4;
  PoolGeometry pool;
  pool.ceil_mode = true;
  const Shape in{1, 3, 9, 9};
  const Shape features = conv.output_shape(in);
  const Shape pooled = pool.output_shape(features);  // [1,4,5,5]
  const float gram_scale = 1.0f / float(pooled.numel());
  const std::vector<float> x = random_values(in.numel(), 61);
  const std::vector<float> r = random_values(size_t(pooled.c) * pooled.c, 62);
  Tensor weight = tensor(conv.weight_shape(), random_values(conv.weight_shape().numel(), 63));
  Tensor bias =
      tensor(conv.bias_shape(), random_values(size_t(conv.out_channels), 64, -0.1f, 0.1f));
  Tensor tr = tensor({1, 1, pooled.c, pooled.c}, r);

  Tensor conv_out = backend->empty(features), relu_out = backend->empty(features);
  Tensor pool_out = backend->empty(pooled), g = backend->empty({1, 1, pooled.c, pooled.c});
  auto forward = [&](const std::vector<float>& point) {
    Tensor tx = tensor(in, point);
    backend->conv_forward(conv, tx, weight, bias, conv_out);
    backend->relu_forward(conv_out, relu_out);
    backend->pool_forward(pool, relu_out, pool_out);
    backend->gram(pool_out, gram_scale, g);
    return inner(r, host(g));
  };

  forward(x);
  Tensor d_pool = backend->empty(pooled), d_relu = backend->empty(features);
  Tensor d_conv = backend->empty(features), dx = backend->empty(in);
  backend->gram_backward(pool_out, tr, gram_scale, d_pool);
  backend->pool_backward(pool, relu_out, pool_out, d_pool, d_relu);
  backend->relu_backward(relu_out, d_relu, d_conv);
  backend->conv_backward_data(conv, d_conv, weight, dx);
  const std::vector<float> analytic = host(dx);
  expect_gradient_matches(forward, x, analytic, 1e-3, 1e-2, 60);
}

}  // namespace
}  // namespace nsrg::test
