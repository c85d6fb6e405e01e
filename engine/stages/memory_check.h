// The memory plan applied before the first iteration: print it, and when the render will
// not fit, either lower the L-BFGS history until it does (the automatic history cap, with a
// printed note) or stop with one UserError line naming the figure and what to change.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>

#include "engine/stages/memory_plan.h"

namespace nsrg {

// The smallest history the cap lowers to; below it the run stops instead.
constexpr int kMinCappedHistory = 5;

// A stage's tile_size that check_memory_plan decides ([evaluation] tile_size = "auto").
constexpr int kAutoTile = -1;

// Plans `input`; when the total exceeds `limit` bytes (limit 0: no check), first tiles the
// stages whose tile_size is kAutoTile (the largest stages first, each with the largest tile
// that fits; untiled when the render fits), then lowers every L-BFGS stage's history to the
// largest common cap >= kMinCappedHistory that fits, or throws UserError. The choices are
// written back into input.stages (every kAutoTile replaced). `limit_source` names the limit in
// messages ("available memory", "memory_limit_mib"). Logs the plan (and any choice) to `log`.
MemoryPlan check_memory_plan(MemoryPlanInput& input, size_t limit, const std::string& limit_source,
                             std::ostream& log);

// The process's peak resident memory so far (VmHWM of /proc/self/status), 0 when unknown.
size_t process_peak_rss_bytes();

}  // namespace nsrg
