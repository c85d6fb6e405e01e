// Bulk host draws from a Philox stream (see random_fill.h).
#include "engine/core/random_fill.h"

#include <cstdint>

namespace nsrg {

void fill_normals(const RandomStream& stream, float scale, float* out, size_t count) {
  const int64_t blocks = int64_t((count + 3) / 4);
#pragma omp parallel for schedule(static)
  for (int64_t block = 0; block < blocks; ++block) {
    float normals[4];
    stream.normals4(uint32_t(block), normals);
    const size_t first = size_t(block) * 4;
    for (size_t j = 0; j < 4 && first + j < count; ++j) out[first + j] = normals[j] * scale;
  }
}

}  // namespace nsrg
