// Output file names: the {variant} {seed} {layer} {mode} {frame} template of output.path, variant
// letters (a..z, aa, ab, ...), short layer names (relu3_3 -> r33) and derived paths
// (intermediate saves, raw images, the summary JSON, the contact sheet).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nsrg {

// 0 -> "a", 25 -> "z", 26 -> "aa", 27 -> "ab", ...
std::string variant_letters(int variant);

// The variant name of a sheet row's un-randomized reference render, in its file name
// ("compos-r33-none.png"), in the summary and in its kept style.
inline constexpr char kReferenceVariant[] = "none";

// "relu3_3" -> "r33", "conv1_2" -> "c12", "pool4" -> "p4"; other names unchanged.
// Several layers are joined with '+': "r32+r33".
std::string short_layer_names(const std::vector<std::string>& layers);

struct OutputFields {
  int variant = 0;
  uint64_t seed = 1;
  std::vector<std::string> style_layers;
  std::string mode = "none";
  int frame = -1;  // a [path] frame's index; -1: not a path (then {frame} stays as written)
};

// A path frame's index as its file names write it: 0 -> "000", 12 -> "012", 1234 -> "1234".
std::string frame_digits(int frame);

// The template made unique for a run: when several variants are rendered and the template
// lacks {variant}, "{variant}" is added to the file stem ("out.png" -> "out-{variant}.png");
// likewise "-{layer}" for a layer sweep ("out-{layer}{variant}.png") and "-{frame}" for the
// frames of a [path] ("out.png" -> "out-{frame}.png").
std::string complete_output_template(const std::string& path_template, bool several_variants,
                                     bool layer_sweep, bool path_frames = false);

// Replaces {variant}, {seed}, {layer}, {mode} and (for a path frame) {frame}.
std::string expand_output_template(const std::string& path_template, const OutputFields& fields);

// The template with every {field} removed (and the '-' or '_' joining it): the base for
// files that belong to the whole run (summary JSON, contact sheet).
std::string run_base_path(const std::string& path_template);

// "out/x.png", "_100" -> "out/x_100.png"
std::string with_stem_suffix(const std::string& path, const std::string& suffix);
// "out/x.png", ".json" -> "out/x.json"
std::string with_extension(const std::string& path, const std::string& extension);

}  // namespace nsrg
