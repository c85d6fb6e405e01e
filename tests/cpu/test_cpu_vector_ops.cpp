// CPU vector and scalar op tests against plain loops: dot, asum, axpy and scale with
// constant and device-scalar coefficients, sum_scalars, fill, copy, upload/download,
// read_scalar; plus identity and memory accounting.
#include <cstdint>

#include "engine/core/error.h"
#include "tests/cpu/cpu_test_support.h"

namespace nsrg::test {
namespace {

const Shape kBig{1, 3, 512, 700};  // above the parallel threshold (2^20 elements)

TEST_F(CpuBackendTest, DotAndAsumMatchDoubleLoops) {
  const std::vector<float> a = random_values(kBig.numel(), 51);
  const std::vector<float> b = random_values(kBig.numel(), 52);
  Tensor ta = tensor(kBig, a), tb = tensor(kBig, b);
  Tensor slots = backend->zeros({1, 1, 1, 3});
  backend->dot(ta, tb, {&slots, 0});
  backend->asum(ta, {&slots, 1});
  double l1 = 0.0;
  for (float v : a) l1 += std::fabs(v);
  const double d = inner(a, b);
  EXPECT_NEAR(backend->read_scalar(slots, 0), d, 1e-6 * std::fabs(d) + 1e-6);
  EXPECT_NEAR(backend->read_scalar(slots, 1), l1, 1e-6 * l1);
  EXPECT_EQ(backend->read_scalar(slots, 2), 0.0f);
}

TEST_F(CpuBackendTest, ReductionsDoNotDependOnThreadCount) {
  const std::vector<float> a = random_values(kBig.numel(), 53);
  BackendOptions one_thread;
  one_thread.threads = 1;
  auto single = make_cpu_backend(one_thread);
  Tensor ta = tensor(kBig, a);
  Tensor sa = single->from_host(kBig, a.data());
  Tensor slot = backend->zeros({1, 1, 1, 1});
  Tensor single_slot = single->zeros({1, 1, 1, 1});
  backend->dot(ta, ta, {&slot, 0});
  single->dot(sa, sa, {&single_slot, 0});
  EXPECT_EQ(backend->read_scalar(slot, 0), single->read_scalar(single_slot, 0));
}

TEST_F(CpuBackendTest, AxpyAndScaleWithConstantAndArrayCoefficients) {
  const std::vector<float> x = random_values(kBig.numel(), 54);
  const std::vector<float> y = random_values(kBig.numel(), 55);
  Tensor tx = tensor(kBig, x), ty = tensor(kBig, y);
  Tensor scalars = tensor({1, 1, 1, 3}, {0.0f, -2.0f, 4.0f});
  backend->axpy(0.5f, tx, ty);
  backend->axpy(Coef(3.0f, scalars, 1), tx, ty);  // alpha = 3 * -2
  std::vector<double> expected(y.size());
  for (size_t i = 0; i < y.size(); ++i) expected[i] = y[i] + 0.5 * x[i] - 6.0 * x[i];
  EXPECT_LT(relative_error(host(ty), expected), 1e-6);
  backend->scale(Coef(0.25f, scalars, 2), tx);  // alpha = 0.25 * 4 = 1
  EXPECT_EQ(host(tx), x);
  backend->scale(-3.0f, tx);
  for (size_t i = 0; i < x.size(); ++i) expected[i] = -3.0 * x[i];
  EXPECT_LT(relative_error(host(tx), expected), 1e-7);
}

TEST_F(CpuBackendTest, SumScalarsFillCopyAndReadScalar) {
  Tensor scalars = tensor({1, 1, 1, 6}, {1.0f, 2.0f, 4.0f, 8.0f, 16.0f, 0.0f});
  backend->sum_scalars(scalars, 1, 3, {&scalars, 5});
  EXPECT_EQ(backend->read_scalar(scalars, 5), 14.0f);
  EXPECT_THROW(backend->sum_scalars(scalars, 4, 3, {&scalars, 5}), InternalError);
  EXPECT_THROW(backend->read_scalar(scalars, 6), InternalError);

  Tensor a = backend->empty(kBig);
  backend->fill(a, 2.5f);
  EXPECT_EQ(host(a), std::vector<float>(kBig.numel(), 2.5f));
  const std::vector<float> values = random_values(kBig.numel(), 56);
  Tensor b = tensor(kBig, values);
  Tensor c = backend->empty({1, 1, 1, int(kBig.numel())});  // same numel, other shape
  backend->copy(b, c);
  EXPECT_EQ(host(c), values);
}

TEST_F(CpuBackendTest, DescriptionMemoryAlignmentAndPeak) {
  BackendOptions options;
  options.threads = 3;
  auto three = make_cpu_backend(options);
  EXPECT_EQ(three->kind(), BackendKind::Cpu);
  EXPECT_NE(three->description().find("cpu: oneDNN 2."), std::string::npos) << three->description();
  EXPECT_NE(three->description().find(", 3 threads"), std::string::npos) << three->description();
  EXPECT_EQ(three->peak_memory_bytes(), 0u);
  {
    Tensor a = three->empty({1, 1, 1, 5});
    Tensor b = three->empty({1, 2, 3, 4});
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(a.data()) % 64, 0u);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b.data()) % 64, 0u);
    EXPECT_EQ(three->peak_memory_bytes(), (5u + 24u) * sizeof(float));
  }
  Tensor c = three->empty({1, 1, 1, 10});
  EXPECT_EQ(three->peak_memory_bytes(), 29u * sizeof(float));  // the high-water mark stays
  EXPECT_THROW(make_cpu_backend(BackendOptions{Precision::Fp32, -1}), UserError);
}

}  // namespace
}  // namespace nsrg::test
