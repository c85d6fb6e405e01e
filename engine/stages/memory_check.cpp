// check_memory_plan: the fit test, the automatic L-BFGS history cap and the error line.
#include "engine/stages/memory_check.h"

#include <algorithm>
#include <fstream>
#include <ostream>

#include "engine/core/error.h"

namespace nsrg {
namespace {

bool is_lbfgs(const MemoryPlanInput::Stage& stage) {
  return stage.optimizer.kind == OptimizerSettings::Kind::Lbfgs;
}

// `input` with every L-BFGS stage's history at most `cap`.
MemoryPlanInput with_history_cap(const MemoryPlanInput& input, int cap) {
  MemoryPlanInput capped = input;
  for (MemoryPlanInput::Stage& stage : capped.stages)
    if (is_lbfgs(stage)) stage.optimizer.history = std::min(stage.optimizer.history, cap);
  return capped;
}

}  // namespace

MemoryPlan check_memory_plan(MemoryPlanInput& input, size_t limit, const std::string& limit_source,
                             std::ostream& log) {
  MemoryPlan plan = plan_memory(input);
  log << describe_memory_plan(plan, input) << "\n";
  if (limit == 0 || plan.total <= limit) return plan;

  int largest_history = 0;
  for (const MemoryPlanInput::Stage& stage : input.stages)
    if (is_lbfgs(stage)) largest_history = std::max(largest_history, stage.optimizer.history);
  // The largest cap that fits, by bisection (the plan grows with the history).
  int fits = 0;
  if (largest_history > kMinCappedHistory &&
      plan_memory(with_history_cap(input, kMinCappedHistory)).total <= limit) {
    int low = kMinCappedHistory, high = largest_history;  // low fits, high does not
    while (high - low > 1) {
      const int middle = (low + high) / 2;
      (plan_memory(with_history_cap(input, middle)).total <= limit ? low : high) = middle;
    }
    fits = low;
  }
  if (fits == 0)
    throw UserError(msg("memory plan: this render needs ", format_bytes(plan.total),
                        " at its peak but ", limit_source, " is ", format_bytes(limit),
                        ": lower image_size (or the largest [[stages]] image_size), or "
                        "optimizer.history (or history_precision = \"bf16\"), or use "
                        "optimizer.kind = \"adam\""));
  input = with_history_cap(input, fits);
  plan = plan_memory(input);
  log << "memory plan: L-BFGS history capped at " << fits << " pairs (from " << largest_history
      << ") to fit the " << format_bytes(limit) << " of " << limit_source << ": now "
      << format_bytes(plan.total) << "; optimizer.history_precision = \"bf16\" keeps more pairs"
      << "\n";
  return plan;
}

size_t process_peak_rss_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return size_t(std::stoull(line.substr(6))) * 1024;
  return 0;
}

}  // namespace nsrg
