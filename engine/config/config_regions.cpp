// Checking [[regions]] against the rest of the config, and each mask as an image with mass.
#include "engine/config/config_regions.h"

#include "engine/config/config_style_targets.h"
#include "engine/core/error.h"
#include "engine/image/image.h"
#include "engine/image/region_mask.h"

namespace nsrg::config_detail {

namespace {

// What this build does not combine with regions, as the key that asks for it.
void refuse_combinations(const SectionReader& top, const RenderConfig& config) {
  const SectionReader style = top.section("style");
  if (!config.style_images.empty())
    style.fail("images",
               "cannot be used with [[regions]] (each region names its style images; a gap "
               "between the regions takes no style)");
  if (!config.style_targets.empty() || config.path.given)
    top.fail("regions",
             "cannot be used with style.targets or [path] in this build (each region names its "
             "style images)");
  if (!config.style_layer_sources.empty())
    style.fail("layer_sources",
               "cannot be used with [[regions]] in this build (a region's style covers every "
               "style layer)");
  if (config.evaluation.tile_size != 0)
    top.section("evaluation")
        .fail("tile_size",
              "cannot be used with [[regions]] in this build (a region's masked Gram is not yet "
              "summed tile by tile): set tile_size = 0");
  if (config.save_targets)
    top.section("output").fail(
        "save_targets",
        "cannot be used with [[regions]] in this build (a kept style holds one Gram per layer, "
        "not a region's masks and Grams)");
  if (config.min_distance > 0.0f)
    top.section("randomize")
        .fail("min_distance",
              "cannot be used with [[regions]] in this build (it compares one Gram "
              "per layer between variants)");
}

}  // namespace

void check_regions(const SectionReader& top, bool levels_given, RenderConfig& config) {
  if (config.regions.empty()) return;
  refuse_combinations(top, config);
  std::vector<std::string> kept_styles;
  for (size_t i = 0; i < config.regions.size(); ++i) {
    const StyleRegion& region = config.regions[i];
    if (!region.targets.empty() && !region.images.empty())
      top.errors().fail(msg("regions[", i, "].images"),
                        msg("cannot be used with regions[", i,
                            "].targets (a region's style is its images or a kept style)"));
    if (!region.targets.empty()) kept_styles.push_back(region.targets);
    const std::string key = msg("regions[", i, "].mask");
    Image mask;
    try {
      mask = read_image(config.regions[i].mask);
    } catch (const UserError& error) {
      top.errors().fail(key, msg("is not a mask image: ", error.what()));
    }
    if (!(mask_mass(mask_plane(mask)) > 0))
      top.errors().fail(key,
                        msg(config.regions[i].mask,
                            " is black everywhere: the region has no mass (white = the region)"));
  }
  if (!kept_styles.empty())
    check_kept_styles_match(top.section("style"), kept_styles, "regions[].targets", levels_given,
                            config);
}

}  // namespace nsrg::config_detail
