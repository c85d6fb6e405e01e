// The summary JSON of a run (docs/config.md lists its keys): the resolved configuration and
// its hash, the backend, memory and timings, every image (and each sheet row's
// un-randomized reference) with its losses and history, and the sheet's layout. A shard's
// partial summary is the same document for its own images with a "shard" entry added; the
// readers of image entries (engine/output/summary_reading.h) are this writer's inverse.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/config/config.h"
#include "engine/output/run_record.h"

namespace nsrg {

// contact_sheet_path and gallery_path: the files written beside the summary ("" for none).
nlohmann::json summary_json(const RenderConfig& config, const RunRecord& record,
                            const std::string& contact_sheet_path, const std::string& gallery_path);

// The line said when randomize.min_distance kept a variant closer than the minimum to a
// sibling (image.draw->gave_up).
std::string min_distance_note(const RenderedImage& image);

// One entry of "images" and of "references".
nlohmann::json image_entry_json(const RenderedImage& image, bool with_stages);
nlohmann::json reference_entry_json(const RenderedImage& image);

// Writes `summary` to `path` atomically, two-space indented. Paths are bytes on Linux and may
// not be UTF-8: such bytes are written as U+FFFD rather than failing after the render.
void write_summary_file(const std::string& path, const nlohmann::json& summary);

}  // namespace nsrg
