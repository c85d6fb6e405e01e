// Multi-scale rendering ([[stages]]): the stages a render runs, the inputs and targets of
// each stage's size, and the hand-over of the image from one stage to the next.
//
// A render without [[stages]] is one stage made of the top-level keys (RenderConfig::stages,
// resolved by the config), so one code path renders both. Each stage recaptures the content
// features and the style Grams at its own size (style images at ceil(style_scale * image_size)), as
// a user chaining runs by hand would; randomization uses the render's seed, so a variant is the
// same style at every size.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/core/backend.h"
#include "engine/image/image.h"
#include "engine/net/network.h"
#include "engine/optim/optimizer.h"
#include "engine/stages/memory_plan.h"
#include "engine/stages/region_targets.h"

namespace nsrg {

// What a stage's size needs: its images, and (after capture_stage_targets) its targets.
struct StageInputs {
  Image content_image;              // longest side image_size; grey with style.color luminance
  Image content_colors;             // the content image in colour (= content_image when full)
  std::vector<Image> style_images;  // longest side ceil(style_scale * image_size)
  // [style.layer_sources] with images: each layer's images, sized and coloured as style_images
  std::map<std::string, std::vector<Image>> layer_source_images;
  Tensor content_tensor;  // preprocessed content image
  std::map<std::string, Tensor> content_targets;
  std::map<std::string, Tensor> base_grams;  // blended, un-randomized, every style layer used
  // Eigendecompositions of base_grams kept by the explore session's shared resources
  // (engine/render/render_resources.h); empty for a render of its own.
  std::map<std::string, std::shared_ptr<const GramEigen>> base_eigens;
  std::vector<RegionInputs> regions;  // [[regions]]: each region's masks and Grams
  std::vector<std::string> notes;     // what the capture has to say (for the run's log)
};

// The longest side of the style images for a render of `image_size`:
// ceil(style_scale * image_size).
int style_image_size(float style_scale, int image_size);

// Reads the content and style images at the stage's sizes (with style.replay the style
// images are the kept style's lineage root's, at the root's style scale), under colour
// control: with style.color = "luminance" the content image becomes its luma and each style
// image its luma matched to the content's; style.color_match recolours the style images to
// the content's colours. With [[regions]], each region's mask and style images too.
StageInputs load_stage_images(const RenderConfig& config, const Stage& stage);

// The style images a contact sheet shows: [style]'s, then each region's, then each layer
// source's (in layer name order).
std::vector<Image> sheet_style_images(const StageInputs& inputs);

// The style images as colour control gives them to the network (see load_stage_images);
// `content` is the content image in colour at the render's size.
std::vector<Image> color_controlled_styles(std::vector<Image> styles, const Image& content,
                                           StyleColor color, ColorMatch match);

// Captures the content features of config.content_layers and the blended Grams of
// `style_layers` at the stage's size (with style.targets: the kept styles' Grams, blended per
// style.blend_space when there are several; with [path]: the first frame's Grams), and each
// region's masks and Grams. A layer with a source of its own (style.layer_sources) takes its
// Gram from that source alone. With a tile_size > 0 the content features and the style
// images' Grams are captured tile by tile (a style.replay's roots, the layer sources and the
// regions are captured whole).
void capture_stage_targets(Backend& backend, Network& network, const Preprocess& preprocess,
                           const RenderConfig& config, const std::vector<std::string>& style_layers,
                           int tile_size, StageInputs& inputs);

// What the memory plan needs of a render: the network as loaded, the loss layers, which
// style layers are randomized, and each stage's image shapes and optimizer.
MemoryPlanInput memory_plan_input(const RenderConfig& config, const std::vector<LayerSpec>& layers,
                                  const std::vector<std::vector<std::string>>& style_layer_sets,
                                  const std::vector<Stage>& stages,
                                  const std::vector<StageInputs>& inputs, const Backend& backend);

// The next stage's initial image: x ([1,3,h,w], preprocessed) deprocessed to RGB without
// levels, clamping or 8-bit rounding, resized by the image resize (Lanczos-3, the code
// that sizes the input images) to width x height, and preprocessed again. The resize is a
// linear filter whose weights sum to 1 and preprocessing an affine map per channel, so
// this is the preprocessed tensor resized, up to float rounding.
Tensor resize_for_stage(Backend& backend, const Tensor& x, const Preprocess& preprocess, int width,
                        int height);

}  // namespace nsrg
