// check_memory_plan: the fit test, the automatic L-BFGS history cap and the error line.
#include "engine/stages/memory_check.h"

#include <algorithm>
#include <fstream>
#include <ostream>
#include <vector>

#include "engine/core/error.h"
#include "engine/net/tile_plan.h"

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

bool fits(const MemoryPlanInput& input, size_t limit) {
  return plan_memory(input).total <= limit;
}

// The stage's tile sizes to try: whole multiples of the network's total stride, up to the
// one that covers the stage's longest side.
int tile_steps(const MemoryPlanInput& input, const MemoryPlanInput::Stage& stage, int& stride) {
  const NetworkReach reach = network_reach(input.layers, int(input.layers.size()) - 1);
  stride = std::max(reach.rows.total_stride(), reach.columns.total_stride());
  return (std::max(stage.content.h, stage.content.w) + stride - 1) / stride;
}

// Stage `index` at the largest tile size that fits with the other stages as they are; the
// smallest tile when none does. Returns whether it fits.
bool choose_tile_size(MemoryPlanInput& input, size_t index, size_t limit) {
  int stride = 1;
  const int steps = tile_steps(input, input.stages[index], stride);
  input.stages[index].tile_size = stride;
  if (!fits(input, limit)) return false;
  int low = 1, high = steps + 1;  // low fits; high does not, or is past the last step
  while (high - low > 1) {
    const int middle = (low + high) / 2;
    input.stages[index].tile_size = middle * stride;
    (fits(input, limit) ? low : high) = middle;
  }
  input.stages[index].tile_size = low * stride;
  return true;
}

// Tiles the kAutoTile stages, largest first, until the render fits; then raises each tiled
// stage's tile again as far as the others allow. Returns whether it fits.
bool choose_tiles(MemoryPlanInput& input, const std::vector<size_t>& automatic, size_t limit,
                  std::ostream& log) {
  std::vector<size_t> order = automatic;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return input.stages[a].content.numel() > input.stages[b].content.numel();
  });
  bool fitted = false;
  std::vector<size_t> tiled;
  for (size_t index : order) {
    tiled.push_back(index);
    if ((fitted = choose_tile_size(input, index, limit))) break;
  }
  if (fitted)
    for (size_t index : tiled) choose_tile_size(input, index, limit);
  for (size_t index : tiled) {
    const MemoryPlanInput::Stage& stage = input.stages[index];
    log << "memory plan: " << (input.stages.size() > 1 ? msg("stage ", index + 1, " ") : "")
        << stage.content.w << "x" << stage.content.h << " evaluates in tiles of " << stage.tile_size
        << " px ([evaluation] tile_size = \"auto\"; the whole image does "
        << "not fit)\n";
  }
  return fitted;
}

}  // namespace

MemoryPlan check_memory_plan(MemoryPlanInput& input, size_t limit, const std::string& limit_source,
                             std::ostream& log) {
  std::vector<size_t> automatic;
  for (size_t i = 0; i < input.stages.size(); ++i)
    if (input.stages[i].tile_size == kAutoTile) {
      automatic.push_back(i);
      input.stages[i].tile_size = 0;
    }
  MemoryPlan plan = plan_memory(input);
  log << describe_memory_plan(plan, input) << "\n";
  if (limit == 0 || plan.total <= limit) return plan;
  const MemoryPlan whole = plan;
  if (!automatic.empty()) {
    const bool tiles_fit = choose_tiles(input, automatic, limit, log);
    plan = plan_memory(input);
    log << describe_memory_plan(plan, input) << "\n";
    if (tiles_fit) return plan;
  }

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
  if (fits == 0) {
    const bool tiled = std::any_of(input.stages.begin(), input.stages.end(),
                                   [](const MemoryPlanInput::Stage& s) { return s.tile_size > 0; });
    throw UserError(msg(
        "memory plan: this render needs ", format_bytes(whole.total), " at its peak",
        tiled ? msg(" (", format_bytes(plan.total), " in the smallest tiles)") : std::string(),
        " but ", limit_source, " is ", format_bytes(limit),
        ": lower image_size (or the largest [[stages]] image_size), or "
        "optimizer.history (or history_precision = \"bf16\"), or use "
        "optimizer.kind = \"adam\"",
        automatic.empty() && !tiled ? ", or evaluate in tiles ([evaluation] tile_size = \"auto\")"
                                    : ""));
  }
  input = with_history_cap(input, fits);
  for (size_t index : automatic)  // the smallest tiles may grow again with the capped history
    if (input.stages[index].tile_size > 0) choose_tile_size(input, index, limit);
  plan = plan_memory(input);
  log << "memory plan: L-BFGS history capped at " << fits << " pairs (from " << largest_history
      << ") to fit the " << format_bytes(limit) << " of " << limit_source << ": now "
      << format_bytes(plan.total) << "; optimizer.history_precision = \"bf16\" keeps more pairs"
      << "\n";
  if (!automatic.empty()) log << describe_memory_plan(plan, input) << "\n";
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
