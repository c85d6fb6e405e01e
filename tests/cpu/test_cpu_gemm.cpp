// cpu::fixed_order_sgemm against a naive double-precision product, for every transpose and
// for shapes that cross its row and column tiles and its K-chunks; and the cap on the
// K-partials' memory.
#include "engine/cpu/cpu_gemm.h"
#include "tests/cpu/cpu_test_support.h"

namespace nsrg::test {
namespace {

// C = alpha op(A) op(B) in double, row-major.
std::vector<double> naive_product(bool trans_a, bool trans_b, long m, long n, long k, float alpha,
                                  const std::vector<float>& a, const std::vector<float>& b) {
  std::vector<double> c(size_t(m * n), 0.0);
  for (long i = 0; i < m; ++i)
    for (long j = 0; j < n; ++j) {
      double sum = 0.0;
      for (long p = 0; p < k; ++p) {
        const double av = trans_a ? a[size_t(p * m + i)] : a[size_t(i * k + p)];
        const double bv = trans_b ? b[size_t(j * k + p)] : b[size_t(p * n + j)];
        sum += av * bv;
      }
      c[size_t(i * n + j)] = double(alpha) * sum;
    }
  return c;
}

struct GemmCase {
  long m, n, k;
};

TEST(CpuFixedOrderSgemm, MatchesNaiveProductAcrossTilesAndChunks) {
  const GemmCase cases[] = {
      {cpu::kGemmTileRows + 6, cpu::kGemmTileColumns + 4, 20},  // 2 x 2 tiles of C
      {3, 5, 2 * cpu::kGemmTileDepth + 7},                      // three K-chunks
  };
  for (const GemmCase& g : cases)
    for (bool trans_a : {false, true})
      for (bool trans_b : {false, true}) {
        SCOPED_TRACE(testing::Message()
                     << g.m << "x" << g.n << "x" << g.k << " trans " << trans_a << trans_b);
        const std::vector<float> a = random_values(size_t(g.m * g.k), 1);
        const std::vector<float> b = random_values(size_t(g.k * g.n), 2);
        std::vector<float> c(size_t(g.m * g.n), -7.0f);  // overwritten, not accumulated
        cpu::fixed_order_sgemm(2, trans_a, trans_b, g.m, g.n, g.k, 0.5f, a.data(),
                               trans_a ? g.m : g.k, b.data(), trans_b ? g.k : g.n, c.data(), g.n);
        const std::vector<double> expected =
            naive_product(trans_a, trans_b, g.m, g.n, g.k, 0.5f, a, b);
        // float products summed over k terms of magnitude <= 1: a few ulps of sqrt(k).
        EXPECT_LT(relative_error(c, expected, 1.0), 1e-5);
      }
}

TEST(CpuFixedOrderSgemm, DepthChunksKeepTheirPartialsWithinTheCap) {
  EXPECT_EQ(cpu::gemm_depth_chunks(64, 64, 100), 1);
  EXPECT_EQ(cpu::gemm_depth_chunks(64, 64, 16 * cpu::kGemmTileDepth), 16);
  EXPECT_EQ(cpu::gemm_depth_chunks(64, 64, 16 * cpu::kGemmTileDepth + 1), 17);
  // 1024 x 1024 partials: one beside C fits the cap of kGemmPartialFloats.
  EXPECT_EQ(cpu::gemm_depth_chunks(1024, 1024, long(1) << 24), 2);
  EXPECT_EQ(cpu::gemm_depth_chunks(4096, 4096, long(1) << 24), 1);
}

}  // namespace
}  // namespace nsrg::test
