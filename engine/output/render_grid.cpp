// render_grid: every image of a run, in the single-process order.
#include "engine/output/render_grid.h"

namespace nsrg {

std::vector<GridCell> render_grid(const RenderConfig& config, const RenderOutputs& outputs) {
  std::vector<GridCell> grid;
  const bool with_references = sheet_has_reference_column(config, outputs);
  for (const std::vector<std::string>& layers : style_layer_sets(config)) {
    if (with_references)
      grid.push_back({layers, 0, true, reference_image_path(config, outputs, layers)});
    for (int variant = 0; variant < config.variants; ++variant)
      for (int frame : run_frames(config))
        grid.push_back(
            {layers, variant, false, image_path(config, outputs, layers, variant, frame), frame});
  }
  return grid;
}

}  // namespace nsrg
