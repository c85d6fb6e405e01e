// Row-major single-precision GEMM for the CPU backend, on oneDNN's dnnl_sgemm, in an order
// that does not depend on the thread count.
//
// oneDNN picks its kernels from the CPU's instruction set at run time. OpenBLAS is not used
// for these products: on virtual machines whose CPU model it does not recognise it falls
// back to old (SSE3 "Prescott") kernels, measured 3-10x slower here, and its own thread
// pool competes with OpenMP's.
//
// A multi-threaded dnnl_sgemm lets the library split the work, the inner (K) dimension
// included, by the number of threads, so its sums would change with the thread count.
// fixed_order_sgemm cuts the product into tiles whose size depends only on the shapes, runs
// each tile as a single-threaded dnnl_sgemm on one of the threads, and adds the tiles'
// K-partials in K order.
#pragma once

#include <vector>

namespace nsrg::cpu {

// Tile sizes: rows and columns of C, and the depth (K) of one partial product.
constexpr long kGemmTileRows = 64;
constexpr long kGemmTileColumns = 4096;
constexpr long kGemmTileDepth = 16384;
// At most this many floats of K-partials beside C (the depth grows past kGemmTileDepth when a
// long K would need more).
constexpr long kGemmPartialFloats = long(1) << 20;

// The number of K-partials fixed_order_sgemm adds for an m x n product of depth k (1: none),
// for K-partials of tile_depth.
long gemm_depth_chunks(long m, long n, long k, long tile_depth = kGemmTileDepth);

// C [m x n] = alpha op(A) op(B), all row-major; op transposes when trans_* is set. Runs on up
// to `threads` threads; the result does not depend on `threads`. tile_depth sets the
// K-partials' depth (the order of the sums).
void fixed_order_sgemm(int threads, bool trans_a, bool trans_b, long m, long n, long k, float alpha,
                       const float* a, long lda, const float* b, long ldb, float* c, long ldc,
                       long tile_depth = kGemmTileDepth);

// One tile of a fixed-order product: rows [row, row + rows) and columns
// [column, column + columns) of C, depth [first, first + span) of K, in K-chunk `chunk` (0
// writes C, q > 0 the partial q - 1).
struct GemmTile {
  long row = 0, column = 0, first = 0, rows = 0, columns = 0, span = 0, chunk = 0;
};
// The tiles of an m x n product of depth k: rows of C in tiles of tile_rows, columns in
// tiles of kGemmTileColumns, K in `chunks` chunks (gemm_depth_chunks); a fixed list.
std::vector<GemmTile> gemm_tiles(long m, long n, long k, long tile_rows, long chunks);

// C [m x n] (leading dimension ldc) += partials 1 .. chunks-1 (each m x n, packed, one after
// the other), in that order for every element: the K-partials' sum of a fixed-order product.
void add_partials_in_order(int threads, long m, long n, long chunks, const float* partials,
                           float* c, long ldc);

}  // namespace nsrg::cpu
