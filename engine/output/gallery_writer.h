// The gallery page of a run (index.html beside the contact sheet) made from its RunRecord:
// every image with its labels, losses and the command that renders it again alone.
#pragma once

#include <string>

#include "engine/config/config.h"
#include "engine/output/output_plan.h"
#include "engine/output/run_record.h"

namespace nsrg {

// Writes outputs.gallery. The commands are written for the current working folder.
void write_gallery(const RenderConfig& config, const RenderOutputs& outputs,
                   const RunRecord& record);

}  // namespace nsrg
