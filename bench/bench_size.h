// One image size of nsrg-bench: the measurements of a render's parts at that size, each
// returned as JSON and printed as a table (per conv layer, Gram and eigendecomposition per
// style layer, one full evaluation, one L-BFGS step with a full history).
#pragma once

#include <nlohmann/json.hpp>

#include "engine/core/backend.h"
#include "engine/net/network.h"

namespace nsrg {

// How each measurement repeats: `warmup` untimed runs, then the median of `runs`.
struct MeasureSettings {
  int warmup = 1, runs = 5;
  bool skip_layers = false;  // no per-layer table
  bool lbfgs_only = false;   // the L-BFGS two-loop (fused and ring ops) and step alone
  bool op_times = false;     // the evaluation's time per operation (the backend is wrapped in
                             // an OpTimingBackend, bench/op_timing_backend.h)
};

// Every measurement at a square `size` x `size` image; the network runs to relu5_1.
nlohmann::json bench_size(Backend& backend, Network& network, int size,
                          const MeasureSettings& settings);

}  // namespace nsrg
