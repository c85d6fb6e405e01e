// RenderSession::write_summary: the run's summary JSON, or a shard's partial summary.
#include "engine/cluster/partial_summary.h"
#include "engine/output/summary_json.h"
#include "engine/render/render_session.h"
#include "engine/render/render_session_state.h"

namespace nsrg {

void RenderSession::record_process_facts() {
  const State& s = *state_;
  if (!s.backend) return;  // a shard with no image to render prepares nothing
  record_.backend = s.backend->description();
  record_.peak_memory_bytes = s.backend->peak_memory_bytes();
  record_.model_source = s.model_source;
  record_.load_seconds = s.load_seconds;
  record_.capture_seconds = s.capture_seconds;
}

void RenderSession::write_summary(bool interrupted) {
  record_process_facts();
  record_.interrupted = interrupted;
  nlohmann::json summary = summary_json(config_, record_, contact_sheet_path_,
                                        contact_sheet_path_.empty() ? "" : outputs_.gallery);
  if (shard_) summary["shard"] = shard_entry_json(*shard_, rendered_cells_);
  write_summary_file(summary_path_, summary);
}

}  // namespace nsrg
