// The files of a render and their pre-flight checks.
#include "engine/output/output_plan.h"

#include <filesystem>

#include "engine/core/error.h"
#include "engine/core/output_location.h"
#include "engine/output/output_names.h"

namespace nsrg {

std::vector<std::vector<std::string>> style_layer_sets(const RenderConfig& config) {
  if (config.sweep_style_layers.empty()) return {config.style_layers};
  std::vector<std::vector<std::string>> sets;
  for (const std::string& layer : config.sweep_style_layers) sets.push_back({layer});
  return sets;
}

RenderOutputs plan_outputs(const RenderConfig& config) {
  const bool sweep = !config.sweep_style_layers.empty();
  RenderOutputs outputs;
  outputs.path_template =
      complete_output_template(config.output_path, config.variants > 1, sweep, config.path.given);
  const std::string base = run_base_path(outputs.path_template);
  outputs.summary = with_extension(base, ".json");
  if (config.path.given) outputs.animation = with_extension(base, ".webp");
  const size_t image_count =
      style_layer_sets(config).size() * size_t(config.variants) * run_frames(config).size();
  if (config.contact_sheet && image_count > 1)
    outputs.contact_sheet = with_stem_suffix(base, "_sheet");  // PNG or JPEG, as the images
  if (!outputs.contact_sheet.empty())
    outputs.gallery =
        (std::filesystem::path(outputs.contact_sheet).parent_path() / "index.html").string();
  return outputs;
}

bool sheet_has_reference_column(const RenderConfig& config, const RenderOutputs& outputs) {
  return !outputs.contact_sheet.empty() && config.any_randomization() && !config.path.given;
}

size_t sheet_columns(const RenderConfig& config) {
  return config.path.given ? size_t(config.path.frames) : size_t(config.variants);
}

std::vector<int> run_frames(const RenderConfig& config) {
  if (!config.path.given) return {-1};
  std::vector<int> frames;
  for (int i = 0; i < config.path.frames; ++i) frames.push_back(i);
  return frames;
}

std::string reference_image_path(const RenderConfig& config, const RenderOutputs& outputs,
                                 const std::vector<std::string>& style_layers) {
  std::string path_template = outputs.path_template;
  const OutputFields fields{0, config.seed, style_layers, randomize_mode_name(RandomizeMode::None)};
  const std::string field = "{variant}";
  size_t at = path_template.find(field);
  if (at == std::string::npos)
    return with_stem_suffix(expand_output_template(path_template, fields),
                            std::string("-") + kReferenceVariant);
  for (; at != std::string::npos; at = path_template.find(field, at)) {
    const bool joined = at > 0 && (path_template[at - 1] == '-' || path_template[at - 1] == '_');
    path_template.replace(
        at, field.size(),
        joined ? std::string(kReferenceVariant) : "-" + std::string(kReferenceVariant));
  }
  return expand_output_template(path_template, fields);
}

std::string image_path(const RenderConfig& config, const RenderOutputs& outputs,
                       const std::vector<std::string>& style_layers, int variant, int frame) {
  const OutputFields fields{
      variant, config.seed + uint64_t(variant), style_layers,
      randomize_mode_name(config.randomization_for(style_layers.front()).mode), frame};
  return expand_output_template(outputs.path_template, fields);
}

std::string intermediate_path(const std::string& image, int iteration) {
  return with_stem_suffix(image, "_" + std::to_string(iteration));
}

std::string raw_path(const std::string& image) {
  return with_stem_suffix(image, "_raw");
}

std::string style_targets_path(const std::string& image) {
  return with_extension(image, ".style.safetensors");
}

std::string stage_image_path(const std::string& final_path, size_t index, size_t count) {
  if (index + 1 >= count) return final_path;
  return with_stem_suffix(final_path, "_stage" + std::to_string(index + 1));
}

std::vector<std::string> stage_save_paths(const RenderConfig& config,
                                          const std::string& final_path) {
  std::vector<std::string> paths;
  const size_t count = config.stages.size();
  if (config.save_stages)
    for (size_t i = 0; i + 1 < count; ++i) paths.push_back(stage_image_path(final_path, i, count));
  return paths;
}

std::vector<std::string> intermediate_save_paths(const RenderConfig& config,
                                                 const std::string& final_path) {
  std::vector<std::string> paths;
  const size_t count = config.stages.size();
  if (config.save_iter > 0)
    for (size_t i = 0; i < count; ++i)
      for (int k = config.save_iter; k < config.stages[i].iterations; k += config.save_iter)
        paths.push_back(intermediate_path(stage_image_path(final_path, i, count), k));
  return paths;
}

namespace {

// Every file the run reads.
InputFiles run_inputs(const RenderConfig& config) {
  InputFiles inputs;
  inputs.add(config.config_path);
  inputs.add(config.content_image);
  for (const std::string& style : config.style_images) inputs.add(style);
  if (!config.init_image.empty()) inputs.add(config.init_image);
  for (const std::string& targets : config.style_targets) inputs.add(targets);
  for (const std::string& style : config.path.styles) inputs.add(style);
  for (const auto& [layer, source] : config.style_layer_sources) {
    if (!source.targets.empty()) inputs.add(source.targets);
    for (const std::string& style : source.images) inputs.add(style);
  }
  for (const StyleRegion& region : config.regions) {
    inputs.add(region.mask);
    if (!region.targets.empty()) inputs.add(region.targets);
    for (const std::string& style : region.images) inputs.add(style);
    for (const std::string& mask : region.style_masks) inputs.add(mask);
  }
  if (config.model.rfind("builtin:", 0) != 0) inputs.add(config.model);
  return inputs;
}

void check_one_output(const RenderConfig& config, const InputFiles& inputs, const std::string& path,
                      const char* kind) {
  const std::string label = msg(config.config_path, ": output.path (", kind, ")");
  require_not_an_input(label, path, inputs);
  require_writable_location(label, path);
}

}  // namespace

void check_output_file(const RenderConfig& config, const std::string& path, const char* kind) {
  check_one_output(config, run_inputs(config), path, kind);
}

void check_outputs(const RenderConfig& config, const RenderOutputs& outputs) {
  const InputFiles inputs = run_inputs(config);
  const std::string what = msg(config.config_path, ": output.path");
  const auto check = [&](const std::string& path, const char* kind) {
    check_one_output(config, inputs, path, kind);
  };
  for (const auto& layers : style_layer_sets(config)) {
    for (int variant = 0; variant < config.variants; ++variant)
      for (int frame : run_frames(config)) {
        const std::string image = image_path(config, outputs, layers, variant, frame);
        check(image, "image");
        // Intermediate saves and the raw copy share the image's folder: only their names
        // can meet an input.
        for (const std::string& path : intermediate_save_paths(config, image))
          require_not_an_input(msg(what, " (intermediate save)"), path, inputs);
        if (config.save_raw)
          require_not_an_input(msg(what, " (raw copy)"), raw_path(image), inputs);
        if (config.save_targets)
          require_not_an_input(msg(what, " (style targets)"), style_targets_path(image), inputs);
        for (const std::string& path : stage_save_paths(config, image))
          require_not_an_input(msg(what, " (stage save)"), path, inputs);
      }
    if (sheet_has_reference_column(config, outputs))
      check(reference_image_path(config, outputs, layers), "un-randomized image");
  }
  check(outputs.summary, "summary");
  if (!outputs.contact_sheet.empty()) check(outputs.contact_sheet, "contact sheet");
  if (!outputs.gallery.empty()) check(outputs.gallery, "gallery page");
  if (!outputs.animation.empty()) check(outputs.animation, "animated WebP");
}

}  // namespace nsrg
