// style.targets, kept styles: once the whole config is read, each targets file's metadata
// (model, layers) is checked against it, and with style.replay the one file's lineage
// (replayable, root images present and unchanged).
#pragma once

#include "engine/config/config.h"
#include "engine/config/config_reader.h"
#include "weights/style_targets_file.h"

namespace nsrg::config_detail {

// Reads each file's metadata (UserError naming the file when it is not a style targets file)
// and fails with one line naming the key and the file when the config's model is not the
// file's model (a weights file is compared by its SHA-256; so files of mixed models fail) or
// a style or sweep layer has no Gram in it. When [style] lacks `layers`, style.layers becomes
// the files' layers, which must then be the same in every file. When output.levels is unset
// and nothing is randomized, it becomes the levels of the render the targets came from (so
// a variant renders again exactly), or auto for a blend of files of different levels. With
// style.replay (one file only), fails with one line when the lineage cannot be replayed: an
// unknown root (a format-1 file), a root style image missing or changed (by SHA-256), a step
// without one of the layers; for a blend, the same of any parent's lineage (the line names
// the parent by its place and SHA-256). A kept style of [[regions]] (nsrg.regions) is refused
// in a list of several, and with style.replay (its regions' lineages are not replayed).
void check_style_targets_match(const SectionReader& style, bool levels_given, RenderConfig& config);

// The colour mode a kept style's Grams were captured in: its lineage's, or for a kept style
// of [[regions]] its first region's (the regions of one render share the config's).
StyleColor kept_style_color(const StyleTargetsInfo& info);

// The SHA-256 of a weights file `model`; "" for a built-in model.
std::string model_sha256_of(const std::string& model);

// Whether a kept style was made with the config's model: the same built-in name, or a
// weights file of the same SHA-256 (`model_sha256`, from model_sha256_of).
bool kept_style_model_matches(const StyleTargetsInfo& info, const std::string& model,
                              const std::string& model_sha256);

// The part of check_style_targets_match that any list of kept styles needs (style.targets,
// path.styles): each file's metadata, model and layers, the layers they share and the levels.
// `files_key` names the list in the messages. Returns each file's metadata.
std::vector<StyleTargetsInfo> check_kept_styles_match(const SectionReader& style,
                                                      const std::vector<std::string>& files,
                                                      const std::string& files_key,
                                                      bool levels_given, RenderConfig& config);

}  // namespace nsrg::config_detail
