// The CPU backend's ring-buffer rows (Backend's RingRow): the row a RingRow names, checked
// against its counter, and where that row starts in the ring.
#pragma once

#include <cstddef>

#include "engine/core/backend.h"
#include "engine/core/error.h"
#include "engine/core/ring_values.h"

namespace nsrg::cpu {

// The row index a RingRow names in `ring`, or -1 when that row does not exist yet.
inline std::ptrdiff_t resolve_row(const Tensor& ring, const RingRow& row) {
  NSRG_CHECK(row.counter != nullptr, "ring row without a counter");
  NSRG_CHECK(row.slot >= 0 && size_t(row.slot) < row.counter->numel(), "ring counter slot ",
             row.slot, " of ", row.counter->shape().str());
  const float count = row.counter->data()[row.slot];
  NSRG_CHECK(is_ring_counter(count), "ring counter is not a whole number: ", count);
  return std::ptrdiff_t(ring_row_index(count, row.offset, ring.shape().n));
}

// Start of row `index` of ring, whose rows must hold row_numel values (float32, or bf16
// packed two per float: RingRow::bf16).
inline void* row_start(const Tensor& ring, std::ptrdiff_t index, size_t row_numel, bool bf16) {
  const size_t rows = size_t(ring.shape().n);
  const size_t row_floats = bf16 ? (row_numel + 1) / 2 : row_numel;
  NSRG_CHECK(rows * row_floats == ring.numel(), "ring ", ring.shape().str(), " has no rows of ",
             row_numel, bf16 ? " bf16 values" : " floats");
  return const_cast<float*>(ring.data()) + size_t(index) * row_floats;
}

}  // namespace nsrg::cpu
