// Timing helpers for nsrg-bench: median of repeated backend-timed runs after warm-up, and
// a description of the machine the numbers come from.
#pragma once

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "engine/core/backend.h"

namespace nsrg {

struct Timing {
  double median_ms = 0, min_ms = 0;
  int runs = 0;
};

inline Timing time_median(Backend& backend, int warmup, int runs,
                          const std::function<void()>& work) {
  for (int i = 0; i < warmup; ++i) work();
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) times.push_back(backend.time_ms(work));
  std::sort(times.begin(), times.end());
  Timing t;
  t.runs = runs;
  t.min_ms = times.front();
  t.median_ms = times[times.size() / 2];
  return t;
}

// "model name" from /proc/cpuinfo and the core count, e.g. "AMD EPYC 7B13, 2 cores".
std::string host_description();

}  // namespace nsrg
