// CpuBackend::mask_features (the masked features of a region's Gram) against a naive loop,
// with a grey mask and at sizes that cut the threads' chunks unevenly; and its refusals.
#include <cmath>

#include "engine/core/error.h"
#include "tests/cpu/cpu_test_support.h"

namespace nsrg::test {
namespace {

TEST_F(CpuBackendTest, MaskFeaturesMatchesNaiveLoop) {
  for (const Shape& shape : {Shape{1, 3, 5, 7}, Shape{1, 64, 9, 11}, Shape{1, 1, 1, 1}}) {
    const size_t plane = size_t(shape.h) * shape.w;
    const std::vector<float> f = random_values(shape.numel(), 41);
    const std::vector<float> m = random_values(plane, 42, 0.0f, 1.0f);
    Tensor tf = tensor(shape, f), tm = tensor({1, 1, shape.h, shape.w}, m);
    Tensor out = backend->empty(shape);
    backend->fill(out, 9.0f);  // overwritten
    backend->mask_features(tf, tm, out);
    const std::vector<float> got = host(out);
    for (size_t i = 0; i < f.size(); ++i) {
      // One float product per element: exactly the rounded product, within a rounding of
      // the float64 one.
      const double exact = double(f[i]) * double(m[i % plane]);
      ASSERT_EQ(got[i], f[i] * m[i % plane]) << shape.str() << " " << i;
      ASSERT_NEAR(got[i], exact, 6e-8 * std::fabs(exact)) << shape.str() << " " << i;
    }
  }
}

TEST_F(CpuBackendTest, MaskFeaturesRefusesAMaskOfAnotherSizeAndAliasing) {
  Tensor f = backend->zeros({1, 2, 3, 4});
  Tensor wrong = backend->zeros({1, 1, 4, 3});
  Tensor out = backend->empty({1, 2, 3, 4});
  EXPECT_THROW(backend->mask_features(f, wrong, out), InternalError);
  Tensor mask = backend->zeros({1, 1, 3, 4});
  EXPECT_THROW(backend->mask_features(f, mask, f), InternalError);
}

}  // namespace
}  // namespace nsrg::test
