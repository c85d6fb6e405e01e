// A lineage as a JSON value, both ways, for entries that hold lineages inside their own JSON
// (nsrg.regions, weights/kept_regions.h); nsrg.lineage itself is text (style_lineage.h).
#pragma once

#include <nlohmann/json.hpp>

#include "weights/metadata_fields.h"
#include "weights/style_lineage.h"

namespace nsrg {

nlohmann::json lineage_to_json(const Lineage& lineage);

// Reads a lineage nested one level inside an entry (its blends and layer sources nest from
// depth 2), with every check parse_lineage makes; UserError at `spot` otherwise.
Lineage lineage_from_json(const MetadataSpot& spot, const nlohmann::json& value);

}  // namespace nsrg
