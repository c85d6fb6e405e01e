// The summary JSON's number groups that its writer (engine/output/summary_json.cpp) and its
// reader (engine/output/summary_reading.cpp) share: each key beside the member it holds, in
// one table per group, so the two sides cannot drift apart.
#pragma once

#include <cstddef>

#include "engine/output/run_record.h"

namespace nsrg {

template <typename Owner, typename Value>
struct SummaryField {
  const char* key;
  Value Owner::*member;
};

// An entry of "final_losses" and of "history" (which adds "iteration").
inline constexpr SummaryField<LossValues, double> kLossFields[] = {
    {"total", &LossValues::total},
    {"content", &LossValues::content},
    {"style", &LossValues::style},
    {"tv", &LossValues::tv}};

// "memory_plan".
inline constexpr SummaryField<MemoryPlan, size_t> kMemoryPlanFields[] = {
    {"total_bytes", &MemoryPlan::total},
    {"tensor_peak_bytes", &MemoryPlan::tensor_peak},
    {"activations_bytes", &MemoryPlan::activations},
    {"gradients_bytes", &MemoryPlan::gradients},
    {"targets_bytes", &MemoryPlan::targets},
    {"optimizer_bytes", &MemoryPlan::optimizer},
    {"weights_bytes", &MemoryPlan::weights},
    {"workspace_bytes", &MemoryPlan::workspace},
    {"process_bytes", &MemoryPlan::process}};

}  // namespace nsrg
