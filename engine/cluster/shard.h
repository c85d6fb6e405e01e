// Shards of a run: N processes (a Slurm job array, a Kubernetes Indexed Job) each render
// their share of the run's images, and a gather puts the results together. Cell k of the
// render grid (engine/output/render_grid.h) belongs to shard k mod N, so the shards together
// render every image exactly once, and each with the name, seed and bytes a single process
// gives it. Each shard writes its images and one partial summary named after its index and
// the count, so no two shards write the same file.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace nsrg {

struct Shard {
  int index = 0;  // 0 <= index < count
  int count = 1;
};

// The largest shard count accepted (--shard, the environment, --shard-count).
constexpr int kMaxShardCount = 100000;

// True when grid cell `cell` is this shard's: cell mod count == index.
bool shard_renders(const Shard& shard, size_t cell);

// The grid cells of this shard among `grid_size`, ascending (empty when count > grid_size
// and the shard has nothing to render).
std::vector<size_t> shard_cells(const Shard& shard, size_t grid_size);

// The partial summary of a shard beside the run's summary: "out/x.json" with shard 1 of 4
// -> "out/x.shard-1-of-4.json".
std::string partial_summary_path(const std::string& summary_path, const Shard& shard);

// The shard counts of the partial summaries of `summary_path` that exist in its folder
// (files <stem>.shard-I-of-N.json), ascending, each once.
std::vector<int> partial_summary_counts(const std::string& summary_path);

}  // namespace nsrg
