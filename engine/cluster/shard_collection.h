// The checks of a gather: reads the N partial summaries of a sharded run and proves that
// together they are the run, i.e. every shard's summary is there, each comes from this
// configuration (the config hash) and finished, each image of the render grid is listed
// exactly once, by the shard it belongs to, and is on disk. Any failure is one UserError
// line naming the shard, the file and the images concerned.
#pragma once

#include <string>
#include <vector>

#include "engine/cluster/partial_summary.h"
#include "engine/config/config.h"
#include "engine/output/output_plan.h"
#include "engine/output/render_grid.h"
#include "engine/output/run_record.h"

namespace nsrg {

struct ShardCollection {
  RunRecord record;                      // every image of the grid, in the single-process order
  std::vector<PartialSummary> partials;  // by shard index
};

// shard_count: the N to gather, or 0 to take the one N whose partial summaries exist beside
// the run's summary.
ShardCollection collect_shards(const RenderConfig& config, const RenderOutputs& outputs,
                               const std::vector<GridCell>& grid, int shard_count);

}  // namespace nsrg
