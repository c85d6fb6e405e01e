// CUDA/CPU parity of the optimizer ops that work without host reads: scalar arithmetic and
// select on device scalars, the Adam helpers, and the ring-buffer rows of the L-BFGS
// history (including rows that do not exist yet, which leave their outputs untouched).
#include <cmath>
#include <vector>

#include "engine/core/error.h"
#include "tests/cuda/cuda_test_support.h"

namespace nsrg::test {
namespace {

using CudaOptimOps = CudaParityTest;

TEST_F(CudaOptimOps, ScalarOpsMatchCpuExactly) {
  // Operand pairs include zero divisors and NaN.
  const std::vector<float> operands = {3.0f, -2.0f, 0.0f, 1.5f, NAN, 7.0f};
  const ScalarOp ops[] = {ScalarOp::Add, ScalarOp::Subtract, ScalarOp::Multiply, ScalarOp::Divide,
                          ScalarOp::Min, ScalarOp::Max,      ScalarOp::Greater};
  TensorPair in = pair(Shape{1, 1, 1, 6}, operands);
  for (ScalarOp op : ops) {
    for (int a = 0; a < 6; ++a) {
      for (int b = 0; b < 6; ++b) {
        TensorPair out = filled_pair(Shape{1, 1, 1, 1}, 0.0f);
        cpu->scalar_op(op, Coef(1.0f, in.cpu, a), Coef(2.0f, in.cpu, b), slot(out.cpu, 0));
        cuda->scalar_op(op, Coef(1.0f, in.cuda, a), Coef(2.0f, in.cuda, b), slot(out.cuda, 0));
        const float expected = cpu->read_scalar(out.cpu, 0);
        const float actual = cuda->read_scalar(out.cuda, 0);
        if (std::isnan(expected)) {
          EXPECT_TRUE(std::isnan(actual)) << "op " << int(op) << " " << a << "," << b;
        } else {
          EXPECT_EQ(actual, expected) << "op " << int(op) << " " << a << "," << b;
        }
      }
    }
  }
}

TEST_F(CudaOptimOps, ScalarOpMayWriteItsOperandAndSelectPicksWithoutTouchingTheOther) {
  TensorPair s = pair(Shape{1, 1, 1, 4}, {2.0f, 5.0f, INFINITY, 0.0f});
  cpu->scalar_op(ScalarOp::Multiply, Coef(1.0f, s.cpu, 0), Coef(1.0f, s.cpu, 1), slot(s.cpu, 0));
  cuda->scalar_op(ScalarOp::Multiply, Coef(1.0f, s.cuda, 0), Coef(1.0f, s.cuda, 1),
                  slot(s.cuda, 0));
  EXPECT_EQ(cuda->read_scalar(s.cuda, 0), 10.0f);
  cuda->scalar_select(Coef(1.0f, s.cuda, 3), Coef(1.0f, s.cuda, 2), Coef(4.0f), slot(s.cuda, 1));
  EXPECT_EQ(cuda->read_scalar(s.cuda, 1), 4.0f);
  cuda->scalar_select(Coef(1.0f, s.cuda, 0), Coef(1.0f, s.cuda, 2), Coef(4.0f), slot(s.cuda, 1));
  EXPECT_EQ(cuda->read_scalar(s.cuda, 1), INFINITY);
  cpu->scalar_select(Coef(1.0f, s.cpu, 0), Coef(1.0f, s.cpu, 2), Coef(4.0f), slot(s.cpu, 1));
  expect_parity(s, 0.0, "select");
}

TEST_F(CudaOptimOps, AdamHelpersMatchCpu) {
  const Shape shape{1, 3, 65, 33};
  TensorPair a = random_pair(shape, 1000);
  TensorPair b = random_pair(shape, 1001, 0.5f, 2.0f);
  TensorPair y = random_pair(shape, 1002);
  TensorPair coefficient = pair(Shape{1, 1, 1, 1}, {0.9f});
  cpu->add_product(Coef(0.1f, coefficient.cpu, 0), a.cpu, b.cpu, y.cpu);
  cuda->add_product(Coef(0.1f, coefficient.cuda, 0), a.cuda, b.cuda, y.cuda);
  expect_parity(y, 1e-6, "add_product");
  cpu->add_product(0.5f, a.cpu, a.cpu, a.cpu);  // y aliasing both inputs
  cuda->add_product(0.5f, a.cuda, a.cuda, a.cuda);
  expect_parity(a, 1e-6, "add_product in place");
  cpu->add_quotient(-2.0f, a.cpu, b.cpu, y.cpu);
  cuda->add_quotient(-2.0f, a.cuda, b.cuda, y.cuda);
  expect_parity(y, 1e-6, "add_quotient");
  TensorPair root = empty_pair(shape);
  cpu->sqrt_plus(b.cpu, 1e-8f, root.cpu);
  cuda->sqrt_plus(b.cuda, 1e-8f, root.cuda);
  expect_parity(root, 0.0, "sqrt_plus (correctly rounded on both)");
}

TEST_F(CudaOptimOps, RingRowsFollowTheDeviceCounter) {
  const int rows = 3;
  const Shape row_shape{1, 2, 17, 9};
  const Shape ring_shape{rows, 2, 17, 9};
  TensorPair ring = filled_pair(ring_shape, 0.0f);
  TensorPair scales = pair(Shape{rows, 1, 1, 1}, {0.5f, 2.0f, -1.0f});
  TensorPair counter = pair(Shape{1, 1, 1, 2}, {0.0f, 4.0f});
  unsigned seed = 1100;
  // Store rows 0..4 (wrapping), each time from a fresh x, then read them back every way.
  for (int step = 0; step < 5; ++step) {
    TensorPair x = random_pair(row_shape, seed++);
    const RingRow cpu_row{&counter.cpu, 0, step};
    const RingRow cuda_row{&counter.cuda, 0, step};
    cpu->ring_store(x.cpu, ring.cpu, cpu_row);
    cuda->ring_store(x.cuda, ring.cuda, cuda_row);
  }
  expect_parity(ring, 0.0, "ring_store");
  TensorPair x = random_pair(row_shape, seed++);
  for (int offset : {-6, -5, -4, -1, 0, 3}) {  // counter slot 1 holds 4: rows 4 + offset
    TensorPair out = filled_pair(Shape{1, 1, 1, 2}, 42.0f);
    const RingRow cpu_row{&counter.cpu, 1, offset};
    const RingRow cuda_row{&counter.cuda, 1, offset};
    cpu->ring_dot(ring.cpu, cpu_row, x.cpu, nullptr, slot(out.cpu, 0));
    cuda->ring_dot(ring.cuda, cuda_row, x.cuda, nullptr, slot(out.cuda, 0));
    cpu->ring_dot(ring.cpu, cpu_row, x.cpu, &scales.cpu, slot(out.cpu, 1));
    cuda->ring_dot(ring.cuda, cuda_row, x.cuda, &scales.cuda, slot(out.cuda, 1));
    expect_parity(out, 1e-6, msg("ring_dot offset ", offset));
    if (4 + offset < 0) {
      EXPECT_EQ(cuda->read_scalar(out.cuda, 0), 42.0f) << "missing row";
    }
    TensorPair y = random_pair(row_shape, seed++);
    cpu->ring_axpy(Coef(1.5f, scales.cpu, 1), ring.cpu, cpu_row, y.cpu);
    cuda->ring_axpy(Coef(1.5f, scales.cuda, 1), ring.cuda, cuda_row, y.cuda);
    expect_parity(y, 1e-6, msg("ring_axpy offset ", offset));
  }
}

}  // namespace
}  // namespace nsrg::test
