// Checking a [path] (morph through kept styles) against the rest of the config.
#include "engine/config/config_morph_path.h"

#include <algorithm>

#include "engine/config/config_style_targets.h"
#include "engine/core/error.h"

namespace nsrg::config_detail {

void check_morph_path(const SectionReader& top, bool levels_given, RenderConfig& config) {
  const ConfigErrors& errors = top.errors();
  const std::vector<std::string>& styles = config.path.styles;
  if (styles.size() < 2)
    errors.fail("path.styles",
                msg("a path runs through at least two kept styles (got ", styles.size(), ")"));
  std::vector<std::string> distinct;
  for (const std::string& file : styles)
    if (std::find(distinct.begin(), distinct.end(), file) == distinct.end())
      distinct.push_back(file);
  if (distinct.size() < 2)
    errors.fail("path.styles", msg("names only ", styles.front(),
                                   "; a path needs at least two different kept styles"));
  if (!config.style_targets.empty())
    errors.fail("style.targets", "cannot be used with [path] (path.styles names the kept styles)");
  const char* const one_image = " (a path renders one image per frame)";
  if (config.variants > 1)
    errors.fail("randomize.variants", msg("must be 1 with [path]", one_image));
  if (!config.sweep_style_layers.empty())
    errors.fail("sweep.style_layers", msg("cannot be used with [path]", one_image));
  if (config.stage_tables) errors.fail("stages", msg("cannot be used with [path]", one_image));
  if (config.save_targets)
    errors.fail("output.save_targets",
                "cannot be used with [path] in this build (a frame's style is a blend of two of "
                "path.styles, made again from them by style.targets and style.blend_weights)");
  check_kept_styles_match(top.section("style"), distinct, "path.styles", levels_given, config);
}

}  // namespace nsrg::config_detail
