// CPU ReLU tests: forward against a loop (also in place), backward against finite
// differences away from the kink, and in-place backward.
#include "tests/cpu/cpu_test_support.h"

namespace nsrg::test {
namespace {

// Random values with |v| >= 0.05, so steps of 1e-3 never cross the kink.
std::vector<float> away_from_zero(size_t count, unsigned seed) {
  std::vector<float> values = random_values(count, seed);
  for (float& v : values) v = v >= 0 ? v + 0.05f : v - 0.05f;
  return values;
}

TEST_F(CpuBackendTest, ReluForwardMatchesLoopAndWorksInPlace) {
  const Shape shape{1, 4, 512, 520};  // above the parallel threshold
  const std::vector<float> x = random_values(shape.numel(), 21);
  std::vector<float> expected(x.size());
  for (size_t i = 0; i < x.size(); ++i) expected[i] = x[i] > 0 ? x[i] : 0.0f;
  Tensor tx = tensor(shape, x), ty = backend->empty(shape);
  backend->relu_forward(tx, ty);
  EXPECT_EQ(host(ty), expected);
  backend->relu_forward(tx, tx);
  EXPECT_EQ(host(tx), expected);
}

TEST_F(CpuBackendTest, ReluBackwardMatchesFiniteDifferences) {
  const Shape shape{1, 4, 5, 6};
  const std::vector<float> x = away_from_zero(shape.numel(), 22);
  const std::vector<float> r = random_values(shape.numel(), 23);
  Tensor tx = tensor(shape, x), ty = backend->empty(shape), tr = tensor(shape, r);
  Tensor dx = backend->empty(shape);
  backend->relu_forward(tx, ty);
  backend->relu_backward(ty, tr, dx);
  auto loss = [&](const std::vector<float>& point) {
    Tensor px = tensor(shape, point), py = backend->empty(shape);
    backend->relu_forward(px, py);
    return inner(r, host(py));
  };
  expect_gradient_matches(loss, x, host(dx), 1e-3, 1e-3, 120);
  // In place: dy and dx the same tensor.
  backend->relu_backward(ty, tr, tr);
  EXPECT_EQ(host(tr), host(dx));
}

}  // namespace
}  // namespace nsrg::test
