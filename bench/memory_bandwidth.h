// nsrg-bench --stream: the machine's memory bandwidth, measured with STREAM-like loops.
#pragma once

#include <nlohmann/json.hpp>

namespace nsrg {

// Read (a sum over one array) and triad (a = b + s c) bandwidths in GB/s (1e9 bytes) on
// `threads` OpenMP threads over arrays of `mib` MiB each (take them well past the last-level
// cache), the median of `runs` timed runs after one warm-up run. Prints one line each.
nlohmann::json measure_memory_bandwidth(int threads, size_t mib, int runs);

}  // namespace nsrg
