// [[regions]], spatial control with masks: the keys of one region table (for every
// config_fields.h visitor) and, once the whole config is read, the rules a region config
// follows (its masks are images with mass; the other sources of style and what this build
// does not yet combine with regions are refused, one line naming the key).
#pragma once

#include "engine/config/config.h"
#include "engine/config/config_reader.h"
#include "engine/config/file_list.h"
#include "engine/config/style_region.h"

namespace nsrg::config_detail {

constexpr size_t kMaxRegions = 32;

template <class V>
void visit_randomize_settings(V& v, RandomizeSettings& r);  // config_fields.h

// The keys of a [[regions]] table, in reading order (see config_fields.h for the visitor).
// A region names `images` or `targets` (both: check_regions refuses them), and `style_masks`
// only with `images`, one per image.
template <class V>
void visit_region(V& v, StyleRegion& region) {
  v.input_file("mask", region.mask,
               "is required in every region (a grey image: white = the region)");
  v.input_file("targets", region.targets, nullptr);
  v.input_files("images", region.images,
                region.targets.empty() ? FileList::Required : FileList::Optional);
  v.input_files("style_masks", region.style_masks, FileList::OptionalOmittedWhenEmpty);
  v.blend_weights("blend_weights", region.blend_weights, region.images.size(),
                  region.targets.empty()
                      ? "images"
                      : "cannot be used with targets (a kept style is one set of Grams)");
  v.number("weight", region.weight, inclusive(0), unbounded());
  v.optional_section("randomize", region.randomize_given, [&](auto& randomize) {
    visit_randomize_settings(randomize, region.randomize);
  });
}

// style.targets naming a kept style of [[regions]] (nsrg.regions; checked as style.targets
// by check_style_targets_match first): its regions become the config's, each with its
// recorded mask (the path the lineage recorded, read as it stands, as a lineage's style
// images are) and weight, its Grams the file's tensors of that region; style.targets is
// then empty. Fails with one line naming style.targets, the file and the region when a mask
// is missing or has changed (its SHA-256 is not the recorded one), and on "regions" when the
// config has [[regions]] too. Does nothing for any other config.
void apply_kept_regions(const SectionReader& top, RenderConfig& config);

// Fails with one line naming the key when [[regions]] comes with style.images, style.targets,
// [path], style.layer_sources, evaluation.tile_size or randomize.min_distance (not combined
// with regions in this build), when a region names both images and targets, when its style_masks do
// not name one mask per image (or come with targets), or when a mask or a style mask is not an
// image or has no mass (all black). The regions' kept styles (targets) are checked as
// style.targets' are (check_kept_styles_match: model, layers, colour control; style.layers and
// output.levels default to theirs). A region's own [regions.randomize] counts as randomization
// (RenderConfig::any_randomization: output.levels defaults to auto, the sheet has its
// un-randomized column).
void check_regions(const SectionReader& top, bool levels_given, RenderConfig& config);

}  // namespace nsrg::config_detail
