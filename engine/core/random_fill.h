// Bulk host draws from a Philox stream: out[i] = stream.normal(i) * scale for a whole buffer,
// one Philox evaluation per four elements, spread over the OpenMP threads (for large inputs
// such as nsrg-bench's random tensors and the render's initial noise).
#pragma once

#include <cstddef>

#include "engine/core/philox.h"

namespace nsrg {

// Same values, bit for bit, as the element-wise loop over stream.normal(i) * scale.
void fill_normals(const RandomStream& stream, float scale, float* out, size_t count);

}  // namespace nsrg
