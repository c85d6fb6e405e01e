// The memory plan as a render's summary reports it, checked against the backend's measured
// peak Tensor memory: shared by the CPU tests (tests/engine/test_memory_plan.cpp) and the
// GPU ones (tests/cuda/test_cuda_memory_plan.cpp).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace nsrg::testing {

// The summary of a render_test_support.h config's run (out/render.json in its folder).
inline nlohmann::json summary_of(const std::filesystem::path& dir) {
  std::ifstream in(dir / "out/render.json");
  return nlohmann::json::parse(in);
}

// The plan's Tensor peak within 15% of the backend's measured one, and the plan's total above it.
inline void expect_plan_within_15_percent(const std::filesystem::path& dir) {
  const nlohmann::json summary = summary_of(dir);
  const double measured = summary["peak_memory_bytes"].get<double>();
  const double planned = summary["memory_plan"]["tensor_peak_bytes"].get<double>();
  EXPECT_GT(measured, 0.0);
  EXPECT_NEAR(planned / measured, 1.0, 0.15) << "planned " << planned << " measured " << measured;
  EXPECT_GT(summary["memory_plan"]["total_bytes"].get<double>(), planned);
}

}  // namespace nsrg::testing
