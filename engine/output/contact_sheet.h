// The labelled contact sheet of a run: header, the content and style images, a row per
// style-layer set starting with its un-randomized render, a column per variant. The cells
// are read back from the saved images, so a single process and a gather of shards
// (engine/cluster/gather.h) write the same sheet.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/image/image.h"
#include "engine/output/run_record.h"

namespace nsrg {

// content and styles: the input images at the (last stage's) render size; a style image
// equal to an earlier one (a replayed blend's parents sharing a root) is shown once. Without the
// label font the sheet is written unlabelled and a warning goes to `log`.
void write_contact_sheet(const RenderConfig& config, const Image& content,
                         const std::vector<Image>& styles, const RunRecord& record,
                         const std::string& path, std::ostream& log);

}  // namespace nsrg
