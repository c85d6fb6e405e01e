// The Backend ops added for the optimizers (scalar_op, scalar_select, add_product,
// add_quotient, sqrt_plus, ring_store, ring_dot, ring_axpy) on the CPU backend, against
// plain loops.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <vector>

#include "engine/core/error.h"
#include "engine/cpu/cpu_backend.h"

namespace nsrg {
namespace {

std::vector<float> random_vector(size_t n, unsigned seed, float lo, float hi) {
  std::mt19937 engine(seed);
  std::uniform_real_distribution<float> uniform(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = uniform(engine);
  return v;
}

class OptimOps : public ::testing::Test {
 protected:
  std::unique_ptr<Backend> backend = make_cpu_backend();

  // scalars = [3, -2, NaN, 0]
  Tensor scalars() {
    const float values[4] = {3.0f, -2.0f, std::numeric_limits<float>::quiet_NaN(), 0.0f};
    return backend->from_host(Shape{1, 1, 1, 4}, values);
  }
  float scalar_op(ScalarOp op, Coef a, Coef b) {
    Tensor out = backend->zeros(Shape{1, 1, 1, 1});
    backend->scalar_op(op, a, b, ScalarSlot{&out, 0});
    return backend->read_scalar(out, 0);
  }
};

TEST_F(OptimOps, ScalarArithmeticReadsSlotsAndConstants) {
  Tensor s = scalars();
  const Coef three(1.0f, s, 0), minus_four(2.0f, s, 1), nan(1.0f, s, 2), zero(1.0f, s, 3);
  EXPECT_EQ(scalar_op(ScalarOp::Add, three, minus_four), -1.0f);
  EXPECT_EQ(scalar_op(ScalarOp::Subtract, three, minus_four), 7.0f);
  EXPECT_EQ(scalar_op(ScalarOp::Multiply, three, Coef(0.5f)), 1.5f);
  EXPECT_EQ(scalar_op(ScalarOp::Divide, Coef(1.0f), three), 1.0f / 3.0f);
  EXPECT_EQ(scalar_op(ScalarOp::Divide, Coef(1.0f), zero), std::numeric_limits<float>::infinity());
  EXPECT_EQ(scalar_op(ScalarOp::Min, three, minus_four), -4.0f);
  EXPECT_EQ(scalar_op(ScalarOp::Max, three, minus_four), 3.0f);
  EXPECT_EQ(scalar_op(ScalarOp::Greater, three, minus_four), 1.0f);
  EXPECT_EQ(scalar_op(ScalarOp::Greater, minus_four, three), 0.0f);
  EXPECT_EQ(scalar_op(ScalarOp::Greater, three, three), 0.0f);
  EXPECT_EQ(scalar_op(ScalarOp::Greater, nan, three), 0.0f);
  EXPECT_EQ(scalar_op(ScalarOp::Greater, three, nan), 0.0f);
  EXPECT_TRUE(std::isnan(scalar_op(ScalarOp::Add, nan, three)));
}

TEST_F(OptimOps, ScalarOpMayWriteIntoItsOperand) {
  Tensor s = scalars();
  backend->scalar_op(ScalarOp::Add, Coef(1.0f, s, 0), Coef(1.0f), ScalarSlot{&s, 0});
  backend->scalar_op(ScalarOp::Multiply, Coef(1.0f, s, 0), Coef(1.0f, s, 0), ScalarSlot{&s, 0});
  EXPECT_EQ(backend->read_scalar(s, 0), 16.0f);
}

TEST_F(OptimOps, SelectPicksOneOperandAndIgnoresTheOther) {
  Tensor s = scalars();
  Tensor out = backend->zeros(Shape{1, 1, 1, 2});
  const Coef nan(1.0f, s, 2);
  backend->scalar_select(Coef(1.0f, s, 3), nan, Coef(1.0f, s, 0), ScalarSlot{&out, 0});
  backend->scalar_select(Coef(1.0f, s, 1), Coef(7.0f), nan, ScalarSlot{&out, 1});
  EXPECT_EQ(backend->read_scalar(out, 0), 3.0f);  // condition 0: if_zero
  EXPECT_EQ(backend->read_scalar(out, 1), 7.0f);  // condition -2: if_nonzero
}

TEST_F(OptimOps, ElementwiseAdamHelpersMatchLoops) {
  for (size_t n : {size_t(1), size_t(1000), size_t(100003)}) {
    const auto a = random_vector(n, 1, -2.0f, 2.0f);
    const auto b = random_vector(n, 2, 0.5f, 3.0f);
    const auto y0 = random_vector(n, 3, -1.0f, 1.0f);
    const Shape shape{1, 1, 1, int(n)};
    Tensor ta = backend->from_host(shape, a.data());
    Tensor tb = backend->from_host(shape, b.data());
    Tensor coefficient = backend->from_host(Shape{1, 1, 1, 1}, std::vector<float>{0.25f}.data());

    Tensor product = backend->from_host(shape, y0.data());
    backend->add_product(Coef(-2.0f, coefficient, 0), ta, tb, product);
    Tensor quotient = backend->from_host(shape, y0.data());
    backend->add_quotient(Coef(3.0f), ta, tb, quotient);
    Tensor root = backend->empty(shape);
    backend->sqrt_plus(tb, 1e-3f, root);
    Tensor in_place = backend->from_host(shape, b.data());
    backend->sqrt_plus(in_place, 0.5f, in_place);

    const auto got_product = backend->to_host(product);
    const auto got_quotient = backend->to_host(quotient);
    const auto got_root = backend->to_host(root);
    const auto got_in_place = backend->to_host(in_place);
    for (size_t i = 0; i < n; ++i) {
      ASSERT_NEAR(got_product[i], y0[i] - 0.5 * double(a[i]) * b[i], 1e-6) << i;
      ASSERT_NEAR(got_quotient[i], y0[i] + 3.0 * double(a[i]) / b[i], 1e-5) << i;
      ASSERT_NEAR(got_root[i], std::sqrt(double(b[i])) + 1e-3, 1e-6) << i;
      ASSERT_NEAR(got_in_place[i], std::sqrt(double(b[i])) + 0.5, 1e-6) << i;
    }
  }
}

TEST_F(OptimOps, AddProductMayAliasItsFactor) {
  Tensor v = backend->from_host(Shape{1, 1, 1, 3}, std::vector<float>{1.0f, 2.0f, 3.0f}.data());
  backend->add_product(Coef(1.0f), v, v, v);  // v += v * v
  EXPECT_EQ(backend->to_host(v), (std::vector<float>{2.0f, 6.0f, 12.0f}));
}

// A ring of 4 rows of 5 floats, row r holding r*10 + i.
class RingOps : public OptimOps {
 protected:
  static constexpr int kRows = 4, kWidth = 5;
  Tensor ring = backend->empty(Shape{kRows, 1, 1, kWidth});
  Tensor counter = backend->zeros(Shape{1, 1, 1, 2});
  Tensor row_scales =
      backend->from_host(Shape{kRows, 1, 1, 1}, std::vector<float>{1.0f, 0.5f, -2.0f, 4.0f}.data());

  void SetUp() override {
    std::vector<float> values(kRows * kWidth);
    for (int r = 0; r < kRows; ++r)
      for (int i = 0; i < kWidth; ++i) values[size_t(r * kWidth + i)] = float(r * 10 + i);
    backend->upload(values.data(), ring);
  }
  void set_counter(float value) {
    const float values[2] = {-1.0f, value};
    backend->upload(values, counter);
  }
  RingRow row(int offset) const { return RingRow{&counter, 1, offset}; }
  std::vector<float> row_values(int r) {
    const auto all = backend->to_host(ring);
    return std::vector<float>(all.begin() + r * kWidth, all.begin() + (r + 1) * kWidth);
  }
};

TEST_F(RingOps, StoreWritesTheRowTheCounterNamesModuloTheRows) {
  Tensor x =
      backend->from_host(Shape{1, 1, 1, kWidth}, std::vector<float>{-1, -2, -3, -4, -5}.data());
  set_counter(1001.0f);  // 1001 mod 4 = 1
  backend->ring_store(x, ring, row(0));
  EXPECT_EQ(row_values(1), (std::vector<float>{-1, -2, -3, -4, -5}));
  EXPECT_EQ(row_values(0), (std::vector<float>{0, 1, 2, 3, 4}));
  EXPECT_EQ(row_values(2), (std::vector<float>{20, 21, 22, 23, 24}));
  set_counter(6.0f);  // 6 - 3 = 3
  backend->ring_store(x, ring, row(-3));
  EXPECT_EQ(row_values(3), (std::vector<float>{-1, -2, -3, -4, -5}));
}

TEST_F(RingOps, DotAndAxpyUseTheRowAndItsScale) {
  const std::vector<float> xv = {1, -1, 2, 0.5f, 3};
  Tensor x = backend->from_host(Shape{1, 1, 1, kWidth}, xv.data());
  Tensor out = backend->zeros(Shape{1, 1, 1, 2});
  set_counter(7.0f);  // offset -1: row 6 mod 4 = 2
  backend->ring_dot(ring, row(-1), x, nullptr, ScalarSlot{&out, 0});
  backend->ring_dot(ring, row(-1), x, &row_scales, ScalarSlot{&out, 1});
  double want = 0.0;
  for (int i = 0; i < kWidth; ++i) want += double(20 + i) * xv[size_t(i)];
  EXPECT_FLOAT_EQ(backend->read_scalar(out, 0), float(want));
  EXPECT_FLOAT_EQ(backend->read_scalar(out, 1), float(-2.0 * want));

  Tensor alpha = backend->from_host(Shape{1, 1, 1, 1}, std::vector<float>{0.5f}.data());
  backend->ring_axpy(Coef(-2.0f, alpha, 0), ring, row(-4), x);  // row 3, coefficient -1
  const auto got = backend->to_host(x);
  for (int i = 0; i < kWidth; ++i) EXPECT_EQ(got[size_t(i)], xv[size_t(i)] - float(30 + i)) << i;
}

TEST_F(RingOps, RowsBeforeTheFirstDoNothing) {
  Tensor x = backend->from_host(Shape{1, 1, 1, kWidth}, std::vector<float>{1, 1, 1, 1, 1}.data());
  Tensor out = backend->from_host(Shape{1, 1, 1, 1}, std::vector<float>{123.0f}.data());
  set_counter(2.0f);  // offset -3 gives -1: no such row
  backend->ring_dot(ring, row(-3), x, &row_scales, ScalarSlot{&out, 0});
  backend->ring_axpy(Coef(1.0f), ring, row(-3), x);
  Tensor other =
      backend->from_host(Shape{1, 1, 1, kWidth}, std::vector<float>{9, 9, 9, 9, 9}.data());
  backend->ring_store(other, ring, row(-3));
  EXPECT_EQ(backend->read_scalar(out, 0), 123.0f);
  EXPECT_EQ(backend->to_host(x), (std::vector<float>{1, 1, 1, 1, 1}));
  for (int r = 0; r < kRows; ++r) EXPECT_EQ(row_values(r)[0], float(r * 10)) << r;
  // offset -2 gives row 0, which exists.
  backend->ring_dot(ring, row(-2), x, nullptr, ScalarSlot{&out, 0});
  EXPECT_EQ(backend->read_scalar(out, 0), 0.0f + 1 + 2 + 3 + 4);
}

TEST_F(RingOps, MalformedRingsAndCountersAreInternalErrors) {
  Tensor x = backend->zeros(Shape{1, 1, 1, 3});  // rows are 5 wide
  set_counter(1.0f);
  EXPECT_THROW(backend->ring_store(x, ring, row(0)), InternalError);
  Tensor y = backend->zeros(Shape{1, 1, 1, kWidth});
  set_counter(1.5f);  // not a whole number
  EXPECT_THROW(backend->ring_axpy(Coef(1.0f), ring, row(0), y), InternalError);
}

}  // namespace
}  // namespace nsrg
