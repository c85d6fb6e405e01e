// bf16 x bf16 -> float32 matrix products for the CPU backend's bf16 Grams and their backward
// (precision "bf16"), on oneDNN's matmul primitive (its AMX brgemm kernels where the CPU has
// them), in an order that does not depend on the thread count, as cpu_gemm.h's
// fixed_order_sgemm: the product is cut into tiles of C and chunks of K fixed by the shapes,
// each tile is one matmul primitive planned for one thread and run on one of the threads
// (each with its own stream and scratchpad), and the K-partials are added to C in K order.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <oneapi/dnnl/dnnl.hpp>
#include <vector>

namespace nsrg::cpu {

// A bf16 matrix in memory: its first element and the element strides between its rows and
// between its columns (so a transposed view is only other strides).
struct Bf16Matrix {
  const uint16_t* data;
  long row_stride, column_stride;
};

class Bf16Gemm {
 public:
  Bf16Gemm();
  // C [m x n] (float32, row-major, leading dimension ldc) = alpha A [m x k] B [k x n], with
  // float32 accumulation; on up to `threads` threads, the result independent of `threads`.
  // tile_rows: rows of C per tile; tile_depth: the K-chunks' depth (cpu_gemm.h's rule).
  void multiply(int threads, long m, long n, long k, float alpha, const Bf16Matrix& a,
                const Bf16Matrix& b, float* c, long ldc, long tile_rows, long tile_depth);

 private:
  struct Plan {
    dnnl::matmul primitive;
    dnnl::memory::desc a, b, c, scratchpad;
  };
  // The single-threaded primitive of one tile shape (made once, kept).
  const Plan& plan(long m, long n, long k, float alpha, const Bf16Matrix& a, const Bf16Matrix& b,
                   long ldc);

  dnnl::engine engine_;
  std::map<std::array<long, 9>, Plan> plans_;
  std::vector<std::vector<char>> scratchpads_;  // one per thread
};

}  // namespace nsrg::cpu
