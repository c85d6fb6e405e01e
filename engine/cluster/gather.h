// `nsrg-engine CONFIG --gather`: puts a sharded run back together. It reads the shards'
// partial summaries (checked by engine/cluster/shard_collection.h) and writes what a single
// process writes after its last image: the contact sheet and the gallery page (when the run
// has them) and the full summary JSON. It renders nothing and needs no backend.
#pragma once

#include <iosfwd>
#include <string>

#include "engine/config/config.h"

namespace nsrg {

struct GatherResult {
  int shard_count = 0;
  size_t images = 0;                            // every image of the grid, references included
  std::string summary, contact_sheet, gallery;  // "" for what the run does not have
};

// shard_count: the N to gather, or 0 to take the one whose partial summaries exist.
GatherResult gather_shards(const RenderConfig& config, int shard_count, std::ostream& log);

}  // namespace nsrg
