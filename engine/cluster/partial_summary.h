// A shard's partial summary (<base>.shard-I-of-N.json): the run's summary JSON for the
// shard's own images (engine/output/summary_json.h) plus a "shard" entry: the index, the
// count, the grid cells it rendered and the host it ran on. Written by the shard's
// RenderSession, read by the gather.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/cluster/shard.h"
#include "engine/core/error.h"

namespace nsrg {

// {"index": I, "count": N, "cells": [...], "host": "..."}
nlohmann::json shard_entry_json(const Shard& shard, const std::vector<size_t>& cells);

struct PartialSummary {
  std::string path;
  Shard shard;
  std::string host;
  nlohmann::json document;  // the whole file
};

// The error for a partial summary that is not JSON, lacks a key or has a value of the wrong
// type: "<path>: not a partial summary of nsrg-engine (<detail>)".
UserError not_a_partial_summary(const std::string& path, const std::string& detail);

// Reads and parses `path`: UserError naming it when it cannot be read, is not JSON, or has no
// "shard" entry that matches `expected` (the index and count its name says).
PartialSummary read_partial_summary(const std::string& path, const Shard& expected);

}  // namespace nsrg
