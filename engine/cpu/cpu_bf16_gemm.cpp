// Bf16Gemm (cpu_bf16_gemm.h): fixed tiles of bf16 matmul primitives planned for one thread.
#include "engine/cpu/cpu_bf16_gemm.h"

#include <omp.h>

#include <algorithm>
#include <cstring>

#include "engine/core/error.h"
#include "engine/cpu/cpu_gemm.h"

namespace nsrg::cpu {

namespace {
using dnnl::memory;

constexpr size_t kScratchpadAlignment = 4096;

char* aligned(char* data) {
  const auto address = reinterpret_cast<uintptr_t>(data);
  return data + (kScratchpadAlignment - address % kScratchpadAlignment) % kScratchpadAlignment;
}

memory::desc bf16_desc(long rows, long columns, const Bf16Matrix& m) {
  return {{rows, columns}, memory::data_type::bf16, {m.row_stride, m.column_stride}};
}

// Runs body() with OpenMP's thread count at 1 for this thread, so that a primitive made
// inside plans its work for one thread (oneDNN reads the count when it plans).
template <typename Body>
void as_one_thread(Body body) {
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  try {
    body();
  } catch (...) {
    omp_set_num_threads(saved);
    throw;
  }
  omp_set_num_threads(saved);
}
}  // namespace

Bf16Gemm::Bf16Gemm() : engine_(dnnl::engine::kind::cpu, 0) {}

const Bf16Gemm::Plan& Bf16Gemm::plan(long m, long n, long k, float alpha, const Bf16Matrix& a,
                                     const Bf16Matrix& b, long ldc) {
  uint32_t alpha_bits = 0;
  std::memcpy(&alpha_bits, &alpha, sizeof alpha_bits);
  const std::array<long, 9> key{
      m, n, k, a.row_stride, a.column_stride, b.row_stride, b.column_stride, ldc, long(alpha_bits)};
  auto found = plans_.find(key);
  if (found != plans_.end()) return found->second;
  Plan plan;
  plan.a = bf16_desc(m, k, a);
  plan.b = bf16_desc(k, n, b);
  plan.c = memory::desc({m, n}, memory::data_type::f32, {ldc, 1});
  try {
    as_one_thread([&] {
      dnnl::primitive_attr attr;
      attr.set_output_scales(0, {alpha});
      attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
      const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(plan.a, plan.b, plan.c), attr,
                                            engine_);
      plan.scratchpad = pd.scratchpad_desc();
      plan.primitive = dnnl::matmul(pd);
    });
  } catch (const dnnl::error& e) {
    throw InternalError(msg("oneDNN bf16 matmul ", m, "x", n, "x", k, " failed: ", e.what(),
                            " (status ", int(e.status), ")"));
  }
  return plans_.emplace(key, plan).first->second;
}

void Bf16Gemm::multiply(int threads, long m, long n, long k, float alpha, const Bf16Matrix& a,
                        const Bf16Matrix& b, float* c, long ldc, long tile_rows, long tile_depth) {
  NSRG_CHECK(m > 0 && n > 0 && k > 0 && tile_rows > 0, "bf16 matmul of ", m, "x", n, "x", k);
  const long chunks = gemm_depth_chunks(m, n, k, tile_depth);
  // Chunk 0 writes C; chunk q > 0 writes partials[q - 1], an m x n matrix.
  std::vector<float> partials(size_t(chunks - 1) * size_t(m) * size_t(n));
  struct Tile {
    const Plan* plan;
    const uint16_t *a, *b;
    float* c;
  };
  std::vector<Tile> work;
  size_t scratchpad_bytes = 0;
  for (const GemmTile& t : gemm_tiles(m, n, k, tile_rows, chunks)) {
    const long out_stride = t.chunk == 0 ? ldc : n;
    const Plan& p = plan(t.rows, t.columns, t.span, alpha, a, b, out_stride);
    scratchpad_bytes = std::max(scratchpad_bytes, p.scratchpad.get_size());
    float* out = t.chunk == 0
                     ? c + t.row * ldc + t.column
                     : partials.data() + size_t(t.chunk - 1) * m * n + t.row * n + t.column;
    work.push_back({&p, a.data + t.row * a.row_stride + t.first * a.column_stride,
                    b.data + t.first * b.row_stride + t.column * b.column_stride, out});
  }
  // Each thread's scratchpad, page-aligned inside its vector.
  const size_t padded = scratchpad_bytes + kScratchpadAlignment;
  scratchpads_.resize(size_t(std::max(threads, 1)));
  for (std::vector<char>& scratchpad : scratchpads_)
    if (scratchpad.size() < padded) scratchpad.resize(padded);
  const ptrdiff_t count = ptrdiff_t(work.size());
  bool failed = false;
#pragma omp parallel num_threads(threads)
  {
    try {
      dnnl::stream stream(engine_);
      char* scratchpad = aligned(scratchpads_[size_t(omp_get_thread_num())].data());
#pragma omp for schedule(static)
      for (ptrdiff_t i = 0; i < count; ++i) {
        const Tile& t = work[size_t(i)];
        const Plan& p = *t.plan;
        p.primitive.execute(stream,
                            {{DNNL_ARG_SRC, memory(p.a, engine_, const_cast<uint16_t*>(t.a))},
                             {DNNL_ARG_WEIGHTS, memory(p.b, engine_, const_cast<uint16_t*>(t.b))},
                             {DNNL_ARG_DST, memory(p.c, engine_, t.c)},
                             {DNNL_ARG_SCRATCHPAD, memory(p.scratchpad, engine_, scratchpad)}});
        stream.wait();
      }
    } catch (...) {
#pragma omp atomic write
      failed = true;
    }
  }
  NSRG_CHECK(!failed, "oneDNN bf16 matmul ", m, "x", n, "x", k, " failed while running");
  add_partials_in_order(threads, m, n, chunks, partials.data(), c, ldc);
}

}  // namespace nsrg::cpu
