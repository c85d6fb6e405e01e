// The lineage of a kept style (the nsrg.lineage metadata of a style targets file): how to
// make its Gram matrices again. A root (the model and the style images they were captured
// from, with style.scale) and the ordered steps applied to the root's Grams: randomizations
// (each with its seed, variant and per-layer settings), blends of other kept styles (each
// parent with its file's SHA-256 and its own full lineage) and layer sources (some layers'
// Grams replaced by those of their own sources, each with its own lineage). Values, JSON text both
// ways, and the functions that start a lineage or append a step. Format: docs/style_targets.md.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "engine/core/color_control.h"  // StyleColor, ColorMatch: colour control
#include "engine/core/enum_names.h"
#include "engine/core/gram_blend.h"  // BlendSpace: how a blend weighs Gram matrices
#include "engine/core/randomization.h"

namespace nsrg {

// Limits of the reader: a lineage read from a file is never trusted.
constexpr int kMaxLineageDepth = 8;           // blends nested in blends, root lineage = 1
constexpr size_t kMaxLineageSteps = 4096;     // all steps of all nested lineages together
constexpr size_t kMaxLineageListSize = 1024;  // images, layers, parents of one value
constexpr size_t kMaxLineageText = 4096;      // bytes of one string (a path, a name)

// One layer's randomization, as it was applied.
struct TargetRandomization {
  std::string layer;
  RandomizeSettings settings;
};

struct LineageImage {
  std::string file;    // the path the config resolved
  std::string sha256;  // of the file's bytes
  float blend_weight = 1.0f;
};

// Where the Grams start.
enum class LineageRootKind {
  Unknown,  // a format-1 file: not recorded, cannot be replayed
  Images,   // captured from style images with a model
  Blend,    // the first step, a blend of kept styles
};
inline constexpr NamedValue<LineageRootKind> kLineageRootKindNames[] = {
    {LineageRootKind::Unknown, "unknown"},
    {LineageRootKind::Images, "images"},
    {LineageRootKind::Blend, "blend"}};

struct LineageRoot {
  LineageRootKind kind = LineageRootKind::Unknown;
  // kind Images: the config's model and its weights file's SHA-256 (empty for a built-in
  // model), the style images with their blend weights (summing to 1), style.scale.
  std::string model;
  std::string model_sha256;
  std::vector<LineageImage> style_images;
  float style_scale = 1.0f;
  // Colour control (style.color, style.color_match) the style images were captured with, and
  // the content image whose colours or luminance they were matched to (empty file and
  // SHA-256 when both are the defaults, which the JSON then leaves out).
  StyleColor color = StyleColor::Full;
  ColorMatch color_match = ColorMatch::None;
  LineageImage color_source;
};

// Whether a root's style images were changed by colour control (and so need its content).
inline bool uses_color_source(const LineageRoot& root) {
  return root.color != StyleColor::Full || root.color_match != ColorMatch::None;
}

// A randomization of the Grams made so far, as the render that kept the file applied it:
// the render seed and its variant letter ("a", "b", ...), every kept layer's settings, and
// the SHA-256 of the kept style it was applied to (empty when applied to the root capture).
struct RandomizeStep {
  std::string parent_sha256;
  uint64_t seed = 0;
  std::string variant;
  std::vector<TargetRandomization> layers;
};

struct Lineage;
struct BlendParent;

// A blend of kept styles (at least two), weighed by `weights` (one per parent).
struct BlendStep {
  BlendSpace space = BlendSpace::Linear;
  std::vector<float> weights;
  std::vector<BlendParent> parents;
};

struct LayerSourceLineage;

// Scale control (style.layer_sources): the Grams of some layers replaced by those of their
// own sources, each source once per layer.
struct LayerSourcesStep {
  std::vector<LayerSourceLineage> sources;
};

using LineageStep = std::variant<RandomizeStep, BlendStep, LayerSourcesStep>;

struct Lineage {
  LineageRoot root;
  std::vector<LineageStep> steps;  // in the order they were applied
};

struct BlendParent {
  std::string file_sha256;  // of the parent kept style file
  Lineage lineage;          // the parent's whole lineage
};

// One layer's source: style images (file_sha256 empty; the lineage is their capture) or a
// kept style file (its SHA-256 and its whole lineage).
struct LayerSourceLineage {
  std::string layer;
  std::string file_sha256;
  Lineage lineage;
};

// Whether the lineage or any lineage inside it (blend parents, layer sources) has a
// layer sources step.
bool has_layer_sources(const Lineage& lineage);

// The colour mode of the Grams a lineage ends in: its root's, or for a blend its first
// parent's (the config requires blended styles to agree); Full for an unknown root.
StyleColor lineage_color(const Lineage& lineage);

// Making a lineage: a file of format 1 (unknown root); Grams captured from style images;
// a blend (root Blend, the blend its first step).
Lineage unknown_lineage();
Lineage captured_lineage(LineageRoot root);
Lineage blended_lineage(BlendStep blend);

// Appends a randomization (breeding: the step names its parent file by SHA-256).
void append_randomize_step(Lineage& lineage, RandomizeStep step);
// Appends a layer sources step (at least one source, each layer once).
void append_layer_sources_step(Lineage& lineage, LayerSourcesStep step);

// The roots with style images a replay captures, depth first: the lineage's own root, or
// for a blend every parent's roots in order; then, for each layer sources step in order,
// each source's roots in order. Empty when any root is unknown.
std::vector<const LineageRoot*> image_roots(const Lineage& lineage);

// The JSON text written as nsrg.lineage.
std::string lineage_json_text(const Lineage& lineage);

// Reads nsrg.lineage text of `file`. Checks types, sizes, names, SHA-256s, the nesting
// depth and step count above (layer sources nest as blends do), and the structure (a Blend
// root iff the first step is a blend; blends only first; a layer sources step names each
// layer once); UserError "<file>: metadata entry nsrg.lineage at <place>:
// ..." otherwise.
Lineage parse_lineage(const std::string& file, const std::string& text);

// A list of style images as JSON ([{"file", "sha256", "blend_weight"}], the root's and the
// nsrg.style_images entry), and its reader.
std::string style_images_json_text(const std::vector<LineageImage>& images);
std::vector<LineageImage> parse_style_images(const std::string& file, const std::string& entry,
                                             const std::string& text);

// The JSON of one layer's randomization ({"layer", "mode", "range", "distribution", "mix"}),
// shared with the nsrg.randomization entry, and its reader.
std::string randomization_json_text(const std::vector<TargetRandomization>& layers);
std::vector<TargetRandomization> parse_randomization(const std::string& file,
                                                     const std::string& entry,
                                                     const std::string& text);

}  // namespace nsrg
