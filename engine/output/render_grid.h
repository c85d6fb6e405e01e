// The images of a run in the order one process renders them: for each style-layer set
// (style.layers, or each layer of a sweep) the un-randomized reference of its sheet row
// (when the sheet has one), then every variant (with a [path], every frame of it). A cell's place
// in this order is its index, which decides the shard that renders it (engine/cluster/shard.h).
#pragma once

#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/output/output_plan.h"

namespace nsrg {

struct GridCell {
  std::vector<std::string> style_layers;
  int variant = 0;         // 0 for a reference
  bool reference = false;  // the row's un-randomized render (mode none, the run's seed)
  std::string path;        // the final image
  int frame = -1;          // a [path] frame's index (rendered in order); -1 without a path
};

std::vector<GridCell> render_grid(const RenderConfig& config, const RenderOutputs& outputs);

}  // namespace nsrg
