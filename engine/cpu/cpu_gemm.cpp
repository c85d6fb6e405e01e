// fixed_order_sgemm (cpu_gemm.h): tiles of C and K-chunks fixed by the shapes, each a
// single-threaded dnnl_sgemm, the K-partials added in K order.
#include "engine/cpu/cpu_gemm.h"

#include <omp.h>
#include <oneapi/dnnl/dnnl.h>

#include <algorithm>
#include <cstddef>
#include <vector>

#include "engine/core/error.h"

namespace nsrg::cpu {

namespace {

long ceil_div(long a, long b) {
  return (a + b - 1) / b;
}

// One single-threaded dnnl_sgemm. Inside an active parallel region oneDNN runs on the calling
// thread alone; setting this task's thread count to 1 makes that hold in a team of one too.
void single_threaded_sgemm(bool trans_a, bool trans_b, long m, long n, long k, float alpha,
                           const float* a, long lda, const float* b, long ldb, float* c, long ldc) {
  omp_set_num_threads(1);
  const dnnl_status_t status = dnnl_sgemm(trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', m, n, k, alpha,
                                          a, lda, b, ldb, 0.0f, c, ldc);
  NSRG_CHECK(status == dnnl_success, "dnnl_sgemm ", m, "x", n, "x", k, " status ", int(status));
}

}  // namespace

long gemm_depth_chunks(long m, long n, long k, long tile_depth) {
  NSRG_CHECK(tile_depth > 0, "sgemm tile depth ", tile_depth);
  const long wanted = ceil_div(k, tile_depth);
  const long affordable = 1 + kGemmPartialFloats / std::max(1L, m * n);
  return std::max(1L, std::min(wanted, affordable));
}

std::vector<GemmTile> gemm_tiles(long m, long n, long k, long tile_rows, long chunks) {
  const long depth = ceil_div(k, chunks);
  const long row_tiles = ceil_div(m, tile_rows);
  const long column_tiles = ceil_div(n, kGemmTileColumns);
  const long tiles = row_tiles * column_tiles * chunks;
  std::vector<GemmTile> result;
  for (long tile = 0; tile < tiles; ++tile) {
    GemmTile t;
    t.chunk = tile % chunks;
    const long column_tile = (tile / chunks) % column_tiles;
    const long row_tile = tile / (chunks * column_tiles);
    t.row = row_tile * tile_rows;
    t.column = column_tile * kGemmTileColumns;
    t.first = t.chunk * depth;
    if (t.first >= k) continue;
    t.rows = std::min(tile_rows, m - t.row);
    t.columns = std::min(kGemmTileColumns, n - t.column);
    t.span = std::min(depth, k - t.first);
    result.push_back(t);
  }
  return result;
}

void fixed_order_sgemm(int threads, bool trans_a, bool trans_b, long m, long n, long k, float alpha,
                       const float* a, long lda, const float* b, long ldb, float* c, long ldc,
                       long tile_depth) {
  NSRG_CHECK(m > 0 && n > 0 && k > 0, "sgemm of ", m, "x", n, "x", k);
  const long chunks = gemm_depth_chunks(m, n, k, tile_depth);
  const std::vector<GemmTile> tiles = gemm_tiles(m, n, k, kGemmTileRows, chunks);
  // Chunk 0 writes C; chunk q > 0 writes partials[q - 1], an m x n matrix.
  std::vector<float> partials(size_t(chunks - 1) * size_t(m) * size_t(n));
#pragma omp parallel for schedule(static) num_threads(threads)
  for (size_t i = 0; i < tiles.size(); ++i) {
    const GemmTile& t = tiles[i];
    const float* a_tile = trans_a ? a + t.first * lda + t.row : a + t.row * lda + t.first;
    const float* b_tile = trans_b ? b + t.column * ldb + t.first : b + t.first * ldb + t.column;
    float* out = t.chunk == 0
                     ? c + t.row * ldc + t.column
                     : partials.data() + size_t(t.chunk - 1) * m * n + t.row * n + t.column;
    const long out_stride = t.chunk == 0 ? ldc : n;
    single_threaded_sgemm(trans_a, trans_b, t.rows, t.columns, t.span, alpha, a_tile, lda, b_tile,
                          ldb, out, out_stride);
  }
  add_partials_in_order(threads, m, n, chunks, partials.data(), c, ldc);
}

void add_partials_in_order(int threads, long m, long n, long chunks, const float* partials,
                           float* c, long ldc) {
  if (chunks <= 1) return;
    // C += partial 1, partial 2, ... in that order for every element.
#pragma omp parallel for schedule(static) num_threads(threads)
  for (long i = 0; i < m; ++i)
    for (long q = 1; q < chunks; ++q) {
      const float* partial = partials + size_t(q - 1) * m * n + i * n;
      float* row = c + i * ldc;
      for (long j = 0; j < n; ++j) row[j] += partial[j];
    }
}

}  // namespace nsrg::cpu
