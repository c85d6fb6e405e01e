// CpuBackend::copy_window against a naive loop over channels, rows and columns: plain copies
// and accumulation, windows at the edges, and the misuse it refuses.
#include <gtest/gtest.h>

#include <vector>

#include "engine/core/error.h"
#include "engine/core/philox.h"
#include "engine/cpu/cpu_backend.h"

namespace nsrg {
namespace {

std::vector<float> random_values(size_t count, uint32_t layer) {
  const RandomStream stream{11, 0, layer, RandomPurpose::Test};
  std::vector<float> values(count);
  for (size_t i = 0; i < count; ++i) values[i] = stream.normal(i);
  return values;
}

// dst (dst_shape) with the window `from` of src (src_shape) written or added at (to_y, to_x).
std::vector<float> naive_copy(const std::vector<float>& src, const Shape& src_shape,
                              std::vector<float> dst, const Shape& dst_shape, const Window& from,
                              int to_y, int to_x, bool accumulate) {
  for (int c = 0; c < src_shape.c; ++c)
    for (int i = 0; i < from.h; ++i)
      for (int j = 0; j < from.w; ++j) {
        const float value = src[(size_t(c) * src_shape.h + from.y + i) * src_shape.w + from.x + j];
        float& out = dst[(size_t(c) * dst_shape.h + to_y + i) * dst_shape.w + to_x + j];
        out = accumulate ? out + value : value;
      }
  return dst;
}

struct WindowCase {
  Shape src, dst;
  Window from;
  int to_y, to_x;
};

TEST(CpuCopyWindow, MatchesANaiveLoop) {
  auto backend = make_cpu_backend();
  const WindowCase cases[] = {
      {{1, 3, 9, 11}, {1, 3, 4, 5}, {2, 3, 4, 5}, 0, 0},          // crop
      {{1, 5, 4, 5}, {1, 5, 9, 11}, {0, 0, 4, 5}, 5, 6},          // paste at the far corner
      {{1, 2, 7, 7}, {1, 2, 7, 7}, {0, 0, 7, 7}, 0, 0},           // the whole tensor
      {{1, 64, 33, 17}, {1, 64, 40, 40}, {1, 16, 31, 1}, 9, 39},  // one column
  };
  uint32_t layer = 0;
  for (const WindowCase& c : cases) {
    for (const bool accumulate : {false, true}) {
      const std::vector<float> src = random_values(c.src.numel(), layer++);
      const std::vector<float> dst = random_values(c.dst.numel(), layer++);
      Tensor src_t = backend->from_host(c.src, src.data());
      Tensor dst_t = backend->from_host(c.dst, dst.data());
      backend->copy_window(src_t, c.from, dst_t, c.to_y, c.to_x, accumulate);
      EXPECT_EQ(backend->to_host(dst_t),
                naive_copy(src, c.src, dst, c.dst, c.from, c.to_y, c.to_x, accumulate))
          << c.src.str() << " -> " << c.dst.str() << (accumulate ? " accumulate" : "");
    }
  }
}

TEST(CpuCopyWindow, RefusesWindowsOutsideEitherTensor) {
  auto backend = make_cpu_backend();
  Tensor src = backend->zeros({1, 3, 8, 8});
  Tensor dst = backend->zeros({1, 3, 4, 4});
  Tensor other_channels = backend->zeros({1, 2, 8, 8});
  EXPECT_THROW(backend->copy_window(src, {5, 0, 4, 4}, dst, 0, 0, false), InternalError);
  EXPECT_THROW(backend->copy_window(src, {0, 0, 4, 4}, dst, 1, 0, false), InternalError);
  EXPECT_THROW(backend->copy_window(src, {0, 0, 0, 4}, dst, 0, 0, false), InternalError);
  EXPECT_THROW(backend->copy_window(src, {0, 0, 2, 2}, other_channels, 0, 0, false), InternalError);
  EXPECT_THROW(backend->copy_window(src, {0, 0, 2, 2}, src, 4, 4, false), InternalError);
}

}  // namespace
}  // namespace nsrg
