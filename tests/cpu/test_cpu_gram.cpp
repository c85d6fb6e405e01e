// CPU Gram tests: forward against a naive double loop (both triangles), backward against
// finite differences of <R, gram(F)> with a non-symmetric R.
#include "tests/cpu/cpu_test_support.h"

namespace nsrg::test {
namespace {

std::vector<double> naive_gram(const std::vector<float>& f, int channels, int pixels,
                               double scale) {
  std::vector<double> g(size_t(channels) * channels);
  for (int i = 0; i < channels; ++i)
    for (int j = 0; j < channels; ++j) {
      double sum = 0.0;
      for (int p = 0; p < pixels; ++p)
        sum += double(f[size_t(i) * pixels + p]) * f[size_t(j) * pixels + p];
      g[size_t(i) * channels + j] = scale * sum;
    }
  return g;
}

TEST_F(CpuBackendTest, GramMatchesNaiveLoop) {
  for (const Shape& shape : {Shape{1, 5, 3, 7}, Shape{1, 64, 9, 11}, Shape{1, 1, 4, 4}}) {
    const int pixels = shape.h * shape.w;
    const std::vector<float> f = random_values(shape.numel(), 31);
    const float scale = 1.0f / float(shape.numel());
    Tensor tf = tensor(shape, f), tg = backend->empty({1, 1, shape.c, shape.c});
    backend->gram(tf, scale, tg);
    EXPECT_LT(relative_error(host(tg), naive_gram(f, shape.c, pixels, scale)), 1e-5) << shape.str();
  }
}

TEST_F(CpuBackendTest, GramBackwardMatchesFiniteDifferences) {
  const Shape shape{1, 6, 4, 5};
  const int pixels = shape.h * shape.w;
  const float scale = 0.37f;
  const std::vector<float> f = random_values(shape.numel(), 32);
  const std::vector<float> r = random_values(size_t(shape.c) * shape.c, 33);  // not symmetric
  Tensor tf = tensor(shape, f), tr = tensor({1, 1, shape.c, shape.c}, r);
  Tensor df = backend->empty(shape);
  backend->fill(df, 5.0f);  // must be overwritten
  backend->gram_backward(tf, tr, scale, df);
  auto loss = [&](const std::vector<float>& point) {
    const std::vector<double> g = naive_gram(point, shape.c, pixels, scale);
    double sum = 0.0;
    for (size_t i = 0; i < g.size(); ++i) sum += r[i] * g[i];
    return sum;
  };
  expect_gradient_matches(loss, f, host(df), 1e-2, 1e-4, 120);
  // And the loss evaluated through the backend's own forward.
  auto backend_loss = [&](const std::vector<float>& point) {
    Tensor pf = tensor(shape, point), pg = backend->empty({1, 1, shape.c, shape.c});
    backend->gram(pf, scale, pg);
    return inner(r, host(pg));
  };
  expect_gradient_matches(backend_loss, f, host(df), 1e-2, 2e-3);
}

}  // namespace
}  // namespace nsrg::test
