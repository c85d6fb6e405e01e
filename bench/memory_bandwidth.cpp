// STREAM-like bandwidth loops for nsrg-bench (memory_bandwidth.h): a read-only sum and the
// triad, each over arrays of a given size, on OpenMP threads with static partitions.
#include "bench/memory_bandwidth.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

#include "engine/core/error.h"

namespace nsrg {

namespace {

constexpr int kLanes = 16;  // independent accumulators, so the sum is not add-latency-bound

struct FreeDeleter {
  void operator()(float* data) const noexcept { std::free(data); }
};
using Buffer = std::unique_ptr<float[], FreeDeleter>;

Buffer aligned_floats(size_t count) {
  void* data = std::aligned_alloc(64, (count * sizeof(float) + 63) / 64 * 64);
  NSRG_CHECK(data != nullptr, "bandwidth buffer of ", count, " floats");
  return Buffer(static_cast<float*>(data));
}

double median_seconds(int runs, const std::function<void()>& work) {
  work();  // warm-up: pages touched, caches in their steady state
  std::vector<double> seconds;
  for (int r = 0; r < runs; ++r) {
    const auto start = std::chrono::steady_clock::now();
    work();
    seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(seconds.begin(), seconds.end());
  return seconds[seconds.size() / 2];
}

}  // namespace

nlohmann::json measure_memory_bandwidth(int threads, size_t mib, int runs) {
  const size_t n = mib * (size_t(1) << 20) / sizeof(float) / kLanes * kLanes;
  NSRG_CHECK(n > 0 && threads > 0 && runs > 0, "bandwidth of ", mib, " MiB on ", threads,
             " threads, ", runs, " runs");
  Buffer a = aligned_floats(n), b = aligned_floats(n), c = aligned_floats(n);
  float* pa = a.get();
  float* pb = b.get();
  float* pc = c.get();
  const long long count = (long long)n;
#pragma omp parallel for schedule(static) num_threads(threads)
  for (long long i = 0; i < count; ++i) {
    pa[i] = 1.0f;
    pb[i] = 2.0f;
    pc[i] = 0.5f;
  }
  volatile float sink = 0.0f;
  const double read_s = median_seconds(runs, [&] {
    float total = 0.0f;
#pragma omp parallel num_threads(threads) reduction(+ : total)
    {
      float lanes[kLanes] = {};
#pragma omp for schedule(static)
      for (long long block = 0; block < count / kLanes; ++block) {
        const float* p = pb + block * kLanes;
        for (int j = 0; j < kLanes; ++j) lanes[j] += p[j];
      }
      for (int j = 0; j < kLanes; ++j) total += lanes[j];
    }
    sink = total;
  });
  const double triad_s = median_seconds(runs, [&] {
#pragma omp parallel for schedule(static) num_threads(threads)
    for (long long i = 0; i < count; ++i) pa[i] = pb[i] + 3.0f * pc[i];
  });
  (void)sink;
  const double read_gbs = double(n) * sizeof(float) / read_s / 1e9;
  const double triad_gbs = 3.0 * double(n) * sizeof(float) / triad_s / 1e9;
  std::printf(
      "memory bandwidth (%d threads, %zu MiB arrays, median of %d): read %.1f GB/s, "
      "triad %.1f GB/s\n",
      threads, mib, runs, read_gbs, triad_gbs);
  return {{"threads", threads},
          {"array_mib", mib},
          {"runs", runs},
          {"read_gbs", read_gbs},
          {"triad_gbs", triad_gbs}};
}

}  // namespace nsrg
