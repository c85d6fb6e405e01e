// The render configuration: RenderConfig (every setting of one render, resolved and
// validated), load_config (TOML file + --set overrides), config_to_json (for the summary
// file) and validate_layers (layer names against the loaded network).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/config/style_region.h"
#include "engine/core/backend.h"
#include "engine/core/enum_names.h"
#include "engine/core/geometry.h"
#include "engine/core/gram_blend.h"
#include "engine/core/randomization.h"
#include "engine/image/color_transfer.h"
#include "engine/image/image.h"
#include "engine/optim/optimizer.h"

namespace nsrg {

// [init] kind: start from random noise or from an image.
enum class InitKind { Random, Image };
inline constexpr NamedValue<InitKind> kInitKindNames[] = {{InitKind::Random, "random"},
                                                          {InitKind::Image, "image"}};

// One stage of a render: a size and an iteration count with the settings a stage may change.
// A config without [[stages]] resolves to one stage made of the top-level keys
// (image_size, optimizer.*, style.scale, loss.tv_weight), so one path renders both; each
// [[stages]] table starts from that stage and overrides what it names.
struct Stage {
  int image_size = 512;
  int iterations = 1000;
  float style_scale = 1.0f;
  float tv_weight = 1e-3f;
  OptimizerSettings optimizer;
};

// [explore]: the settings of `nsrg-engine explore` (docs/explore.md). They are read and
// checked with the rest of the file but are no part of a render: the summary's config and
// its hash leave them out.
struct ExploreSettings {
  std::string dir;              // the session folder, resolved; empty = <output folder>/explore
  int preview_size = 128;       // the tiles' longest side
  int preview_iterations = 40;  // each tile's evaluations
  int preview_every = 5;        // a tile's intermediate image every N evaluations (and at 1)
  int siblings = 6;             // the first grid's siblings
  int children = 4;             // children per "more like this"
  int promote_size = 512;       // a promoted style's default size
  int queue_limit = 64;         // renders waiting at most; more are refused (HTTP 429)
  int cache_mib = 512;          // the networks and captured targets the tiles share, at most
};

// [path]: a morph through kept styles, rendered as a sequence of frames (it takes the place
// of style.images and style.targets). Frame i lies at parameter t_i along the segments
// styles[k] -> styles[k+1] (engine/stages/morph_path.h); frame 0 renders with
// optimizer.iterations from [init], each later frame with `iterations` from the previous
// frame's result.
struct MorphPath {
  bool given = false;               // the file has a [path] table
  std::vector<std::string> styles;  // resolved kept style files; a closed loop when the last
                                    // is the first
  int frames = 0;
  BlendSpace space = BlendSpace::Wasserstein;
  int iterations = 100;  // every frame after the first
  int frame_ms = 100;    // each frame's duration in the animated WebP
};

// [style.layer_sources] (scale control): one style layer's own source of its Gram, in place
// of [style]'s: style images (blended with equal weights, sized and colour-controlled as
// [style]'s images are) or one kept style file. Exactly one of the two is given.
struct LayerSource {
  std::vector<std::string> images;  // resolved paths
  std::string targets;              // a resolved kept style file; empty with images
};

// [evaluation] tile_size's value for "auto": the memory plan chooses (docs/config.md).
constexpr int kAutoTileSize = -1;

// [evaluation]: how the objective is evaluated (docs/design.md, "Tiled evaluation").
struct EvaluationSettings {
  bool given = false;  // the file has an [evaluation] table (only then is it in the summary)
  // Pixels of a tile's interior side (rounded down to the network's total stride); 0: the
  // whole image at once; kAutoTileSize: whole when the render fits, else the largest tile
  // size the memory plan fits.
  int tile_size = 0;
};

struct RenderConfig {
  std::string config_path;  // the file loaded (absolute)
  BackendChoice backend = BackendChoice::Auto;
  Precision precision = Precision::Fp32;  // tf32: CUDA only
  int threads = 0;                        // CPU threads, 0 = all
  uint64_t seed = 1;
  std::string model = "builtin:vgg19-random";  // or resolved absolute path
  // [content]
  std::string content_image;  // resolved path
  std::vector<std::string> content_layers{"relu4_2"};
  float content_weight = 5.0f;
  // [style]
  std::vector<std::string> style_images;   // resolved paths
  std::vector<float> style_blend_weights;  // one per style image, or per style targets file;
                                           // normalized to sum 1 (equal if not given)
  BlendSpace style_blend_space = BlendSpace::Linear;  // how the Grams are blended
  std::vector<std::string> style_layers{"relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"};
  float style_weight = 100.0f;
  // Resolved paths of kept styles (output.save_targets), blended when several; empty when the
  // style comes from style_images.
  std::vector<std::string> style_targets;
  bool style_replay = false;  // rebuild the kept style's Grams from its lineage at each size
  // Colour control (engine/image/color_transfer.h): luminance-only transfer, or the style
  // images recoloured to the content's colours before their Grams are taken.
  StyleColor style_color = StyleColor::Full;
  ColorMatch style_color_match = ColorMatch::None;
  // [style.layer_sources]: the style layers whose Grams come from their own source (the
  // others keep [style]'s), by layer name.
  std::map<std::string, LayerSource> style_layer_sources;
  // [[regions]]: masked style terms (the style comes from them; style_images is empty)
  std::vector<StyleRegion> regions;
  // [path]
  MorphPath path;
  // [loss]
  bool normalize_gradients = false;
  // [init]
  InitKind init_kind = InitKind::Random;
  std::string init_image;  // resolved path; empty = the content image
  // [network]
  PoolKind pooling = PoolKind::Max;
  // [output]
  std::string output_path;                 // resolved; default "out/out.png" next to the config
  LevelsMode levels = LevelsMode::MinMax;  // when not given: Auto when randomize.mode (or
                                           // any layer's) is not none, else MinMax
  float levels_low_percentile = 0.5f,
        levels_high_percentile = 99.5f;  // key: percentiles = [0.5, 99.5]
  bool original_colors = false;
  int print_iter = 50;  // 0 = never
  int save_iter = 100;  // 0 = never
  bool save_raw = false;
  bool contact_sheet = true;
  bool save_targets = false;  // write each image's style targets (<image>.style.safetensors)
  bool save_stages = false;   // save each [[stages]] result but the last as <stem>_stage<i>
  // memory_limit_mib: the memory plan's limit; 0 = what the machine (or GPU) has available
  int64_t memory_limit_mib = 0;
  // [evaluation]
  EvaluationSettings evaluation;
  // image_size, [optimizer], style.scale and loss.tv_weight: the stage a config without
  // [[stages]] renders, and the one each [[stages]] table starts from. optimizer.
  // learning_rate defaults to 1 for lbfgs and 10 for adam.
  Stage top_level;
  // What is rendered, in order, each stage from the previous result resized: the
  // [[stages]] tables, or `top_level` alone. Never empty after load_config.
  std::vector<Stage> stages;
  bool stage_tables = false;  // the stages come from [[stages]] tables
  // [randomize]
  RandomizeSettings randomize;  // the section's own keys
  int variants = 1;
  // randomize.min_distance: a variant whose randomized Grams lie closer than this to a
  // sibling accepted before it (relative Frobenius distance, mean over the randomized layers)
  // is drawn again, up to randomize.max_redraws times; 0 = off (variant v draws seed + v).
  float min_distance = 0.0f;
  int max_redraws = 8;
  std::map<std::string, RandomizeSettings>
      randomize_layers;  // [randomize.layers.<name>],
                         // each starting from `randomize` and overriding keys
  // The settings for `layer`: its [randomize.layers.<layer>] entry, else the section's.
  RandomizeSettings randomization_for(const std::string& layer) const;
  // True when randomize.mode, any layer's mode or any region's own mode is not None.
  bool any_randomization() const;
  // [sweep]
  std::vector<std::string> sweep_style_layers;  // empty = no sweep
  // [explore]
  ExploreSettings explore;
  // The --set assignments this config was loaded with (for commands that render again).
  std::vector<std::string> overrides;
};

// Loads, applies overrides ("section.key=VALUE", VALUE in TOML syntax, e.g.
// optimizer.iterations=50, style.layers=["relu3_3"], output.path="x.png"; a bare word
// that is not valid TOML is taken as a string, so --set backend=cpu works), validates.
// Every mistake is one UserError line naming the file and the dotted key.
RenderConfig load_config(const std::string& path, const std::vector<std::string>& overrides = {});

// The resolved configuration as JSON (for the summary file), keys as in the TOML
// (config_path is not included; it is not a TOML key).
nlohmann::json config_to_json(const RenderConfig& config);

// Throws UserError("<config>: <key>: layer \"x\" is not in model <model>") for the first
// content/style/sweep/randomize.layers layer that `has_layer` rejects.
void validate_layers(const RenderConfig& config,
                     const std::function<bool(const std::string&)>& has_layer);

}  // namespace nsrg
