// Reading the entries of a summary JSON back (a gather reads the shards' partial
// summaries): the inverse of image_entry_json and reference_entry_json of
// engine/output/summary_json.h, and of the memory plan's entry. Numbers come back exactly
// (JSON keeps every double), so a summary written again from what was read is the same text.
// A missing key or a value of the wrong type is a nlohmann::json::exception; the caller
// names the file.
#pragma once

#include <nlohmann/json.hpp>

#include "engine/output/render_grid.h"
#include "engine/output/run_record.h"

namespace nsrg {

// The image of grid cell `cell` as its "images" (or, for a reference, "references") entry
// records it. The name, layers, variant and kind come from the cell.
RenderedImage rendered_image_from_json(const nlohmann::json& entry, const GridCell& cell);

MemoryPlan memory_plan_from_json(const nlohmann::json& entry);

}  // namespace nsrg
