// Every file one render writes, named in one place: the image of each style-layer set and
// variant (or path frame), its intermediate saves and raw copy, the summary JSON, the contact
// sheet and a path's animated WebP;
// and the check, before any work, that none of them overwrites an input or is unwritable.
#pragma once

#include <string>
#include <vector>

#include "engine/config/config.h"

namespace nsrg {

struct RenderOutputs {
  std::string path_template;  // output.path made unique for variants and sweeps
  std::string summary;        // the summary JSON
  std::string contact_sheet;  // empty when the run writes none
  std::string gallery;        // index.html beside the contact sheet; empty without a sheet
  std::string animation;      // a [path]'s animated WebP (<base>.webp); empty without a path
};

// True when the contact sheet starts each row with the un-randomized render of its layers
// (a sheet is written and something is randomized).
bool sheet_has_reference_column(const RenderConfig& config, const RenderOutputs& outputs);

// The un-randomized render of a sheet row: the image path with "none" for the variant
// ("compos-{layer}{variant}.png" -> "compos-r33-none.png", "out-{variant}.png" ->
// "out-none.png"; "out-{layer}.png" -> "out-r33-none.png").
std::string reference_image_path(const RenderConfig& config, const RenderOutputs& outputs,
                                 const std::vector<std::string>& style_layers);

// The style-layer sets rendered: style.layers, or one set per layer of a sweep.
std::vector<std::vector<std::string>> style_layer_sets(const RenderConfig& config);

RenderOutputs plan_outputs(const RenderConfig& config);

// The final image of one style-layer set and variant (and of a [path] frame, `frame` >= 0).
std::string image_path(const RenderConfig& config, const RenderOutputs& outputs,
                       const std::vector<std::string>& style_layers, int variant, int frame = -1);

// The columns of the contact sheet and the gallery rows: the frames of a [path], else the
// variants.
size_t sheet_columns(const RenderConfig& config);

// The frames a run renders per image: path.frames with a [path], else 1 (frame -1: none).
std::vector<int> run_frames(const RenderConfig& config);
// The save after `iteration` (output.save_iter) and the unlevelled copy (output.save_raw).
std::string intermediate_path(const std::string& image, int iteration);
std::string raw_path(const std::string& image);
// An image's kept style (output.save_targets): "out/x-r33c.png" -> "out/x-r33c.style.safetensors".
std::string style_targets_path(const std::string& image);

// Where stage `index` (0-based) of `count` saves: `final_path` itself for the last stage,
// else <stem>_stage<index+1>.<ext>.
std::string stage_image_path(const std::string& final_path, size_t index, size_t count);
// The results of every stage but the last, kept by output.save_stages (none for one stage).
std::vector<std::string> stage_save_paths(const RenderConfig& config,
                                          const std::string& final_path);
// The saves inside every stage (output.save_iter): after iteration k of stage i they go to
// intermediate_path(stage_image_path(final_path, i, count), k).
std::vector<std::string> intermediate_save_paths(const RenderConfig& config,
                                                 const std::string& final_path);

// Throws UserError("<config>: output.path: ...") when any file of the run is one of its
// inputs (config, images, model) or lies where it cannot be written.
void check_outputs(const RenderConfig& config, const RenderOutputs& outputs);

// The same check for one more file of the run (a shard's partial summary); `kind` names it
// in the message.
void check_output_file(const RenderConfig& config, const std::string& path, const char* kind);

}  // namespace nsrg
