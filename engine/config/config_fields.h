// Every key of the config file, spelled once. For each section a function shows its keys, in
// reading order, with their type, range and default, to a visitor:
//   - the TOML reader (config_load.cpp) checks and stores what the file says,
//   - the JSON writer (config_json.cpp) writes the resolved values under the same names,
//   - the key collector (config_schema.cpp) lists the keys a file may hold, so that any
//     other key is rejected before a value is read.
// A visitor provides these operations (each named by the key; Bound from config_reader.h):
//   choice(key, Enum&, names)            a string that must be one of an enum's names
//   integer(key, T&, min, max[, hint])   a whole number in [min, max] (hint: why max)
//   required_integer(key, T&, min, max, why)   the same, and the key must be there
//   number(key, float&, low, high[, default])  a number within the bounds; `default` is
//                                              stored first when the key is absent
//   boolean(key, bool&)
//   integer_or_auto(key, T&, min, max, auto_value)   a whole number in [min, max] or the
//                                        string "auto", stored as auto_value
//   kept_style_flag(key, bool&, kept)    a boolean that may be true only with style.targets
//                                        (`kept`); written to JSON only when true
//   layers(key, names&, allow_empty)     distinct, non-empty layer names
//   range(key, lo&, hi&, low, high, strict)    two numbers [lo, hi]
//   input_file(key, path&, why)          an existing file, resolved against the config's
//                                        folder; `why` non-null: required, with that reason
//   input_files(key, paths&, use)        a list of existing files (FileList says when)
//   input_file_list(key, paths&, max)    one existing file or a list of at most `max`
//   blend_weights(key, weights&, count, counted)   `count` weights normalized to sum 1, one
//                                        per entry of the key `counted`; when count is 0,
//                                        `counted` is the message (after the key) that
//                                        refuses weights given all the same
//   model(key, name&)                    a built-in model name or a weights file
//   output_image(key, path&)             a .png/.jpg path, default out/out.png
//   output_folder(key, path&)            a folder to write into, resolved against the
//                                        config's folder; absent: left as it is
//   section(key, fn)                     a table: fn(visitor of that table)
//   command_section(key, fn)             a table of another command's settings ([explore]):
//                                        read and checked like a section, never written
//                                        to the summary (so no render's hash changes)
//   optional_section(key, present&, fn)  a table that may be absent (`present` says whether
//                                        it is there); written to JSON only when present
//   named_tables(key, map&, base, fn)    a table of tables, each starting from `base`
//   optional_named_tables(key, map&, base, fn)   the same, written to JSON only when it has
//                                        tables (so configs without it keep their hash)
//   stages(key, stages&, from_tables, top_level, fn)   the [[stages]] array of tables
//   table_array(key, entries&, max, fn)  an array of at most `max` tables ([[regions]]), each
//                                        entry starting from a default; written to JSON only
//                                        when it has entries
#pragma once

#include <algorithm>
#include <cstdint>
#include <thread>

#include "engine/config/config.h"
#include "engine/config/config_reader.h"
#include "engine/config/config_regions.h"
#include "engine/config/file_list.h"
#include "engine/core/error.h"

namespace nsrg::config_detail {

constexpr int kMaxIterations = 10000000;
constexpr size_t kMaxBlendedStyles = 64;  // style.targets files blended in one render
constexpr int kMaxImageSize = 16384;
constexpr int kMaxPathFrames = 10000;
constexpr int kMaxFrameMs = 60000;  // a minute per frame of the animated WebP
constexpr int kThreadsPerHardwareThread = 4;
constexpr int kMaxRedraws = 100;  // randomize.max_redraws

// More threads than cores only adds overhead; the OpenMP runtime aborts (after taking
// gigabytes) when asked for tens of thousands.
inline int max_threads() {
  return kThreadsPerHardwareThread * std::max(1, int(std::thread::hardware_concurrency()));
}

inline float default_learning_rate(OptimizerKind kind) {
  return kind == OptimizerKind::Adam ? 10.0f : 1.0f;
}

template <class V>
void visit_optimizer(V& v, Stage& top) {
  OptimizerSettings& o = top.optimizer;
  v.choice("kind", o.kind, kOptimizerKindNames);
  v.integer("iterations", top.iterations, 1, kMaxIterations);
  v.number("learning_rate", o.learning_rate, exclusive(0), unbounded(),
           default_learning_rate(o.kind));
  v.integer("history", o.history, 1, 1000);
  v.choice("history_precision", o.history_precision, kHistoryPrecisionNames);
  v.number("beta1", o.beta1, inclusive(0), exclusive(1));
  v.number("beta2", o.beta2, inclusive(0), exclusive(1));
  v.number("epsilon", o.epsilon, exclusive(0), unbounded());
}

// A [[stages]] table: `stage` starts as a copy of the top-level stage.
template <class V>
void visit_stage(V& v, Stage& stage, const Stage& top) {
  const char* const required = "is required in every stage";
  v.required_integer("image_size", stage.image_size, 16, kMaxImageSize, required);
  v.required_integer("iterations", stage.iterations, 1, kMaxIterations, required);
  v.choice("optimizer", stage.optimizer.kind, kOptimizerKindNames);
  // A stage that keeps the top-level optimizer keeps its learning rate; another kind starts
  // from that kind's default.
  v.number("learning_rate", stage.optimizer.learning_rate, exclusive(0), unbounded(),
           stage.optimizer.kind == top.optimizer.kind
               ? top.optimizer.learning_rate
               : default_learning_rate(stage.optimizer.kind));
  v.integer("history", stage.optimizer.history, 1, 1000);
  v.number("tv_weight", stage.tv_weight, inclusive(0), unbounded());
  v.number("style_scale", stage.style_scale, exclusive(0), inclusive(10));
}

// What style.blend_weights counts (blend_weights' `counted`): the kept styles or the style
// images; with [path], or [[regions]] without style.images, nothing (count 0), and why.
inline const char* style_blend_weights_counted(const RenderConfig& c) {
  if (!c.style_targets.empty()) return "style.targets";
  if (c.path.given) return "cannot be used with [path] (each frame's place on the path sets them)";
  if (c.style_images.empty())
    return "cannot be used with [[regions]] (each region weighs its own images: "
           "regions[].blend_weights)";
  return "style.images";
}

template <class V>
void visit_randomize_settings(V& v, RandomizeSettings& r) {
  v.choice("mode", r.mode, kRandomizeModeNames);
  v.range("range", r.lo, r.hi, inclusive(0), unbounded(), false);
  v.choice("distribution", r.distribution, kRandomDistributionNames);
  v.number("mix", r.mix, inclusive(0), inclusive(1));
  v.boolean("keep_energy", r.keep_energy);
}

template <class V>
void visit_config(V& v, RenderConfig& c) {
  v.choice("backend", c.backend, kBackendChoiceNames);
  v.choice("precision", c.precision, kPrecisionNames);
  v.integer("threads", c.threads, 0, max_threads(),
            msg(kThreadsPerHardwareThread, " x the ", max_threads() / kThreadsPerHardwareThread,
                " hardware threads here; 0 uses all of them"));
  v.integer("seed", c.seed, 0, INT64_MAX);
  v.integer("image_size", c.top_level.image_size, 16, kMaxImageSize);
  v.integer("memory_limit_mib", c.memory_limit_mib, 0, INT64_MAX);
  v.model("model", c.model);
  v.section("content", [&](auto& content) {
    content.input_file("image", c.content_image, "is required (the content image file)");
    content.layers("layers", c.content_layers, false);
    content.number("weight", c.content_weight, inclusive(0), unbounded());
  });
  v.optional_section("path", c.path.given, [&](auto& path) {
    path.input_files("styles", c.path.styles, FileList::RequiredKeptStyles);
    path.required_integer("frames", c.path.frames, 2, kMaxPathFrames,
                          "is required in [path] (the number of frames)");
    path.choice("space", c.path.space, kBlendSpaceNames);
    path.integer("iterations", c.path.iterations, 1, kMaxIterations);
    path.integer("frame_ms", c.path.frame_ms, 1, kMaxFrameMs);
  });
  // Before [style]: with regions, style.images may be left out (config_regions.h).
  v.table_array("regions", c.regions, kMaxRegions,
                [](auto& table, StyleRegion& region) { visit_region(table, region); });
  v.section("style", [&](auto& style) {
    style.input_file_list("targets", c.style_targets, kMaxBlendedStyles);
    const bool kept_style = !c.style_targets.empty();
    style.input_files("images", c.style_images,
                      c.path.given         ? FileList::ForbiddenByPath
                      : kept_style         ? FileList::Forbidden
                      : !c.regions.empty() ? FileList::Optional
                                           : FileList::Required);
    style.blend_weights("blend_weights", c.style_blend_weights,
                        kept_style ? c.style_targets.size() : c.style_images.size(),
                        style_blend_weights_counted(c));
    style.choice("blend_space", c.style_blend_space, kBlendSpaceNames);
    style.number("scale", c.top_level.style_scale, exclusive(0), inclusive(10));
    style.layers("layers", c.style_layers, false);
    style.number("weight", c.style_weight, inclusive(0), unbounded());
    style.kept_style_flag("replay", c.style_replay, kept_style);
    style.choice("color", c.style_color, kStyleColorNames);
    style.choice("color_match", c.style_color_match, kColorMatchNames);
    style.optional_named_tables("layer_sources", c.style_layer_sources, LayerSource{},
                                [](auto& source, LayerSource& s) {
                                  source.input_files("images", s.images, FileList::Optional);
                                  source.input_file("targets", s.targets, nullptr);
                                });
  });
  v.section("loss", [&](auto& loss) {
    loss.number("tv_weight", c.top_level.tv_weight, inclusive(0), unbounded());
    loss.boolean("normalize_gradients", c.normalize_gradients);
  });
  v.section("init", [&](auto& init) {
    init.choice("kind", c.init_kind, kInitKindNames);
    init.input_file("image", c.init_image, nullptr);
  });
  v.section("optimizer", [&](auto& optimizer) { visit_optimizer(optimizer, c.top_level); });
  v.section("network", [&](auto& network) { network.choice("pooling", c.pooling, kPoolingNames); });
  v.optional_section("evaluation", c.evaluation.given, [&](auto& evaluation) {
    evaluation.integer_or_auto("tile_size", c.evaluation.tile_size, 0, kMaxImageSize,
                               kAutoTileSize);
  });
  v.section("output", [&](auto& output) {
    output.output_image("path", c.output_path);
    output.choice("levels", c.levels, kLevelsModeNames);
    output.range("percentiles", c.levels_low_percentile, c.levels_high_percentile, inclusive(0),
                 inclusive(100), true);
    output.boolean("original_colors", c.original_colors);
    output.integer("print_iter", c.print_iter, 0, INT32_MAX);
    output.integer("save_iter", c.save_iter, 0, INT32_MAX);
    output.boolean("save_raw", c.save_raw);
    output.boolean("contact_sheet", c.contact_sheet);
    output.boolean("save_targets", c.save_targets);
    output.boolean("save_stages", c.save_stages);
  });
  v.section("randomize", [&](auto& randomize) {
    visit_randomize_settings(randomize, c.randomize);
    randomize.integer("variants", c.variants, 1, 1000);
    randomize.number("min_distance", c.min_distance, inclusive(0), inclusive(2));
    randomize.integer("max_redraws", c.max_redraws, 0, kMaxRedraws,
                      "each redraw randomizes every layer of a variant again");
    randomize.named_tables(
        "layers", c.randomize_layers, c.randomize,
        [](auto& layer, RandomizeSettings& r) { visit_randomize_settings(layer, r); });
  });
  v.stages("stages", c.stages, c.stage_tables, c.top_level,
           [&](auto& table, Stage& stage) { visit_stage(table, stage, c.top_level); });
  v.section("sweep",
            [&](auto& sweep) { sweep.layers("style_layers", c.sweep_style_layers, true); });
  v.command_section("explore", [&](auto& explore) {
    ExploreSettings& e = c.explore;
    explore.output_folder("dir", e.dir);
    explore.integer("preview_size", e.preview_size, 16, kMaxImageSize);
    explore.integer("preview_iterations", e.preview_iterations, 1, kMaxIterations);
    explore.integer("preview_every", e.preview_every, 1, kMaxIterations);
    explore.integer("siblings", e.siblings, 1, 64);
    explore.integer("children", e.children, 1, 16);
    explore.integer("promote_size", e.promote_size, 16, kMaxImageSize);
    explore.integer("queue_limit", e.queue_limit, 1, 1024);
    explore.integer("cache_mib", e.cache_mib, 0, 1 << 20);
  });
}

}  // namespace nsrg::config_detail
