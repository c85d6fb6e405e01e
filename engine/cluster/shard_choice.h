// Which shard this process renders: `--shard I/N` on the command line, or else a job
// array's task index from the environment: Slurm's SLURM_ARRAY_TASK_ID (less
// SLURM_ARRAY_TASK_MIN, divided by SLURM_ARRAY_TASK_STEP, so --array=1-4 gives shards 0..3)
// with SLURM_ARRAY_TASK_COUNT, or a Kubernetes Indexed Job's JOB_COMPLETION_INDEX with the
// count from --shard-count. `--shard none` renders the whole run in this process even inside
// an array. Every mistake is one UserError line naming the flag or the variable.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "engine/cluster/shard.h"

namespace nsrg {

// Reads an environment variable: nullptr when it is not set.
using EnvironmentLookup = std::function<const char*(const char* name)>;

struct ShardChoice {
  Shard shard;
  std::string source;  // where it came from: "--shard 1/4", "SLURM_ARRAY_TASK_ID=2, ..."
};

// shard_flag: the --shard value ("" when not given, "none", or "I/N"); shard_count_flag: the
// --shard-count value ("" when not given). Returns nothing when the run is not sharded.
std::optional<ShardChoice> choose_shard(const std::string& shard_flag,
                                        const std::string& shard_count_flag,
                                        const EnvironmentLookup& environment);

// "I/N" -> {I, N}; UserError naming --shard unless 0 <= I < N <= kMaxShardCount.
Shard parse_shard_flag(const std::string& text);

// The --shard-count value: 0 when `text` is empty, else N in 1..kMaxShardCount (UserError
// naming --shard-count otherwise).
int parse_shard_count_flag(const std::string& text);

}  // namespace nsrg
