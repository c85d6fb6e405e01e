// gather_shards: the checked shards written as one run's sheet, gallery and summary.
#include "engine/cluster/gather.h"

#include <ostream>

#include "engine/cluster/shard_collection.h"
#include "engine/core/error.h"
#include "engine/output/contact_sheet.h"
#include "engine/output/gallery_writer.h"
#include "engine/output/output_plan.h"
#include "engine/output/render_grid.h"
#include "engine/output/summary_json.h"
#include "engine/stages/stages.h"

namespace nsrg {
namespace {

// Where each image came from, beside the summary of a single process.
nlohmann::json gathered_from_json(const std::vector<PartialSummary>& partials) {
  nlohmann::json shards = nlohmann::json::array();
  for (const PartialSummary& partial : partials) {
    const nlohmann::json& document = partial.document;
    try {
      shards.push_back({{"file", partial.path},
                        {"index", partial.shard.index},
                        {"count", partial.shard.count},
                        {"host", partial.host},
                        {"backend", document.value("backend", "")},
                        {"cells", document.at("shard").value("cells", nlohmann::json::array())},
                        {"peak_memory_bytes", document.value("peak_memory_bytes", size_t(0))},
                        {"timings", document.value("timings", nlohmann::json::object())}});
    } catch (const nlohmann::json::exception& error) {
      throw not_a_partial_summary(partial.path, error.what());
    }
  }
  return shards;
}

}  // namespace

GatherResult gather_shards(const RenderConfig& config, int shard_count, std::ostream& log) {
  const RenderOutputs outputs = plan_outputs(config);
  check_outputs(config, outputs);
  const std::vector<GridCell> grid = render_grid(config, outputs);
  const ShardCollection shards = collect_shards(config, outputs, grid, shard_count);

  GatherResult result;
  result.shard_count = int(shards.partials.size());
  result.images = grid.size();
  log << "gathered " << grid.size() << " images from " << result.shard_count << " shards"
      << std::endl;
  if (!outputs.contact_sheet.empty()) {
    const StageInputs inputs = load_stage_images(config, config.stages.back());
    write_contact_sheet(config, inputs.content_colors, sheet_style_images(inputs), shards.record,
                        outputs.contact_sheet, log);
    result.contact_sheet = outputs.contact_sheet;
    write_gallery(config, outputs, shards.record);
    result.gallery = outputs.gallery;
  }
  nlohmann::json summary =
      summary_json(config, shards.record, result.contact_sheet, result.gallery);
  summary["gathered_from"] = gathered_from_json(shards.partials);
  write_summary_file(outputs.summary, summary);
  result.summary = outputs.summary;
  return result;
}

}  // namespace nsrg
