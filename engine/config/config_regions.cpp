// Checking [[regions]] against the rest of the config, and each mask as an image with mass.
#include "engine/config/config_regions.h"

#include <filesystem>

#include "engine/config/config_style_targets.h"
#include "engine/core/error.h"
#include "engine/image/image.h"
#include "engine/image/region_mask.h"
#include "weights/sha256.h"
#include "weights/style_targets_file.h"

namespace nsrg::config_detail {

namespace {

// What this build does not combine with regions, as the key that asks for it (a kept style of
// regions given as style.targets has become the config's regions already).
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
  if (config.min_distance > 0.0f)
    top.section("randomize")
        .fail("min_distance",
              "cannot be used with [[regions]] in this build (it compares one Gram "
              "per layer between variants)");
}

// Fails with one line on `key` when the file at `path` is not an image or has no mass.
void check_mask_file(const SectionReader& top, const std::string& key, const std::string& path,
                     const char* white_is) {
  Image mask;
  try {
    mask = read_image(path);
  } catch (const UserError& error) {
    top.errors().fail(key, msg("is not a mask image: ", error.what()));
  }
  if (!(mask_mass(mask_plane(mask)) > 0))
    top.errors().fail(
        key, msg(path, " is black everywhere: the region has no mass (white = ", white_is, ")"));
}

// A region's style_masks: one per style image, and only with style images.
void check_style_masks(const SectionReader& top, size_t index, const StyleRegion& region) {
  if (region.style_masks.empty()) return;
  const std::string key = msg("regions[", index, "].style_masks");
  if (!region.targets.empty())
    top.errors().fail(key, msg("cannot be used with regions[", index,
                               "].targets (a kept style's Grams are already taken)"));
  if (region.style_masks.size() != region.images.size())
    top.errors().fail(
        key, msg("names ", region.style_masks.size(), " masks but regions[", index, "].images has ",
                 region.images.size(), " (one mask per style image)"));
  for (size_t j = 0; j < region.style_masks.size(); ++j)
    check_mask_file(top, msg(key, "[", j, "]"), region.style_masks[j],
                    "the part of the style image the region takes its style from");
}

}  // namespace

void apply_kept_regions(const SectionReader& top, RenderConfig& config) {
  if (config.style_targets.size() != 1 || config.path.given) return;
  const std::string file = config.style_targets.front();
  const StyleTargetsInfo info = read_style_targets_info(file);
  if (info.regions.empty()) return;
  if (!config.regions.empty())
    top.fail("regions", msg("cannot be used with style.targets = ", file,
                            ", a kept style of [[regions]] that brings its own ",
                            info.regions.size(), " regions (leave [[regions]] out)"));
  for (size_t r = 0; r < info.regions.size(); ++r) {
    const KeptRegion& kept = info.regions[r];
    const std::string where = msg(file, ": region ", r, "'s mask ", kept.mask.file);
    std::error_code error;
    if (!std::filesystem::is_regular_file(kept.mask.file, error))
      top.section("style").fail("targets", msg(where, " is missing"));
    if (sha256_file_hex(kept.mask.file) != kept.mask.sha256)
      top.section("style").fail("targets", msg(where,
                                               " has changed (its SHA-256 is not the "
                                               "recorded ",
                                               kept.mask.sha256, ")"));
    StyleRegion region;
    region.mask = kept.mask.file;
    region.targets = file;
    region.targets_region = int(r);
    region.weight = kept.weight;
    config.regions.push_back(std::move(region));
  }
  config.style_targets.clear();
  config.style_blend_weights.clear();
}

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
    // A region of a regions file applied as style.targets was checked as style.targets.
    if (!region.targets.empty() && region.targets_region < 0) kept_styles.push_back(region.targets);
    check_mask_file(top, msg("regions[", i, "].mask"), region.mask, "the region");
    check_style_masks(top, i, region);
  }
  if (!kept_styles.empty())
    check_kept_styles_match(top.section("style"), kept_styles, "regions[].targets", levels_given,
                            config);
}

}  // namespace nsrg::config_detail
