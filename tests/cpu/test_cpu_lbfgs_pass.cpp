// The kernels of one fused L-BFGS pass (engine/cpu/cpu_lbfgs_pass.h): the portable kernel
// against a naive loop of the ring ops' steps (negate, axpy, scale, then the dot on
// cpu::block_sum's lanes), and the AVX-512 kernel against the portable one, to the bit, for
// every kind of pass, float32 and bf16 rows, a whole reduction block and short ranges whose
// tails are not a multiple of 8 or 16.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "engine/core/ring_values.h"
#include "engine/cpu/cpu_lbfgs_pass.h"
#include "engine/cpu/cpu_parallel.h"
#include "tests/cpu/cpu_test_support.h"

namespace nsrg {
namespace {

// A history row of `count` values from `values`: float32, or bf16 rounded by the engine's rule.
std::vector<uint16_t> bf16_row(const std::vector<float>& values) {
  std::vector<uint16_t> row(values.size());
  for (size_t i = 0; i < values.size(); ++i) row[i] = float_to_bf16(values[i]);
  return row;
}

struct PassCase {
  bool negate, axpy, scale, dot;
};

// The pass on a copy of `d`, for every way a pass of the recursion combines its steps (and
// the extremes: nothing, everything).
const PassCase kCases[] = {{true, false, false, true}, {false, true, false, true},
                           {false, true, true, true},  {false, true, false, false},
                           {true, false, true, false}, {false, false, false, false},
                           {true, true, true, true}};

struct PassResult {
  std::vector<float> d;
  double sum;
};

// The steps one element at a time in plain float and double arithmetic; the dot on 8 lanes
// as cpu::block_sum adds them.
PassResult naive_pass(const cpu::LbfgsPass& pass, std::vector<float> d, std::ptrdiff_t begin,
                      std::ptrdiff_t end) {
  double lanes[8] = {};
  for (std::ptrdiff_t i = begin; i < end; ++i) {
    auto row_value = [&](const void* row) {
      return pass.bf16 ? bf16_to_float(static_cast<const uint16_t*>(row)[i])
                       : static_cast<const float*>(row)[i];
    };
    float value = pass.negate != nullptr ? pass.negate[i] * -1.0f : d[size_t(i)];
    if (pass.axpy_row != nullptr) value = value + pass.axpy_factor * row_value(pass.axpy_row);
    if (pass.scale) value = value * pass.hdiag;
    d[size_t(i)] = value;
    if (pass.dot_row != nullptr)
      lanes[(i - begin) % 8] += double(row_value(pass.dot_row)) * double(value);
  }
  const double sum = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) +
                     ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
  return {d, sum};
}

PassResult kernel_pass(cpu::LbfgsPassKernel kernel, const cpu::LbfgsPass& pass,
                       std::vector<float> d, std::ptrdiff_t begin, std::ptrdiff_t end) {
  const double sum = cpu::run_lbfgs_pass(kernel, pass, d.data(), begin, end);
  return {d, sum};
}

void expect_same_bits(const PassResult& got, const PassResult& want) {
  ASSERT_EQ(got.d.size(), want.d.size());
  for (size_t i = 0; i < got.d.size(); ++i)
    ASSERT_EQ(std::memcmp(&got.d[i], &want.d[i], sizeof(float)), 0)
        << "d[" << i << "] " << got.d[i] << " vs " << want.d[i];
  EXPECT_EQ(std::memcmp(&got.sum, &want.sum, sizeof(double)), 0)
      << "sum " << got.sum << " vs " << want.sum;
}

// Runs every case over [begin, end) of arrays of `size` values; `check` compares one result.
template <typename Check>
void for_every_pass(size_t size, std::ptrdiff_t begin, std::ptrdiff_t end, Check check) {
  const std::vector<float> g = test::random_values(size, 11, -2.0f, 2.0f);
  const std::vector<float> d = test::random_values(size, 12, -2.0f, 2.0f);
  const std::vector<float> axpy_values = test::random_values(size, 13, -1.0f, 1.0f);
  const std::vector<float> dot_values = test::random_values(size, 14, -1.0f, 1.0f);
  const std::vector<uint16_t> axpy_bf16 = bf16_row(axpy_values), dot_bf16 = bf16_row(dot_values);
  for (bool bf16 : {false, true})
    for (const PassCase& c : kCases) {
      SCOPED_TRACE(testing::Message() << (bf16 ? "bf16" : "fp32") << " negate " << c.negate
                                      << " axpy " << c.axpy << " scale " << c.scale << " dot "
                                      << c.dot << " [" << begin << ", " << end << ")");
      cpu::LbfgsPass pass;
      pass.bf16 = bf16;
      if (c.negate) pass.negate = g.data();
      if (c.axpy)
        pass.axpy_row = bf16 ? static_cast<const void*>(axpy_bf16.data()) : axpy_values.data();
      pass.axpy_factor = -0.37f;
      pass.scale = c.scale;
      pass.hdiag = 1.7f;
      if (c.dot)
        pass.dot_row = bf16 ? static_cast<const void*>(dot_bf16.data()) : dot_values.data();
      check(pass, d);
    }
}

// Ranges: one whole block, a block at an offset, and short ones (tails of 1..15 after whole
// vectors, and fewer values than one vector).
const std::ptrdiff_t kRanges[][2] = {{0, cpu::kReductionBlock},
                                     {cpu::kReductionBlock, 2 * cpu::kReductionBlock},
                                     {0, 1234},
                                     {16, 16 + 37},
                                     {0, 7},
                                     {3, 3 + 24},
                                     {0, 0}};
constexpr size_t kSize = 2 * cpu::kReductionBlock;

TEST(CpuLbfgsPass, PortableKernelEqualsANaiveLoop) {
  for (const auto& range : kRanges)
    for_every_pass(kSize, range[0], range[1], [&](const cpu::LbfgsPass& pass, const auto& d) {
      expect_same_bits(kernel_pass(cpu::LbfgsPassKernel::Portable, pass, d, range[0], range[1]),
                       naive_pass(pass, d, range[0], range[1]));
    });
}

TEST(CpuLbfgsPass, Avx512KernelEqualsThePortableOne) {
  if (cpu::best_lbfgs_pass_kernel() != cpu::LbfgsPassKernel::Avx512)
    GTEST_SKIP() << "this CPU has no avx512f/bw/vl";
  for (const auto& range : kRanges)
    for_every_pass(kSize, range[0], range[1], [&](const cpu::LbfgsPass& pass, const auto& d) {
      expect_same_bits(kernel_pass(cpu::LbfgsPassKernel::Avx512, pass, d, range[0], range[1]),
                       kernel_pass(cpu::LbfgsPassKernel::Portable, pass, d, range[0], range[1]));
    });
}

}  // namespace
}  // namespace nsrg
