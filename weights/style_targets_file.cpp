// Style targets files: metadata <-> StyleTargetsInfo, Gram tensors checked on reading.
#include "weights/style_targets_file.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "engine/core/error.h"
#include "engine/core/utf8.h"
#include "weights/metadata_fields.h"

namespace nsrg {
namespace {

using json = nlohmann::json;

constexpr char kFormatKey[] = "nsrg.style_targets";

constexpr char kFormat1[] = "1";

std::string float_text(float value) {
  return json(value).dump();
}

std::string metadata_string(const std::string& path,
                            const std::map<std::string, std::string>& metadata,
                            const std::string& key) {
  const auto it = metadata.find(key);
  if (it == metadata.end())
    throw UserError(msg(path, ": style targets file lacks the metadata entry ", key));
  return it->second;
}

// Metadata entry `key` of `path`, parsed as JSON (every structured entry is JSON text).
json metadata_json(const std::string& path, const std::map<std::string, std::string>& metadata,
                   const std::string& key) {
  return parse_metadata_json(path, key, metadata_string(path, metadata, key));
}

}  // namespace

std::string gram_tensor_name(const std::string& layer) {
  return layer + ".gram";
}

namespace {

// `grams` (one per layer of `layers`) checked square and named by `name_of(layer)`.
template <class NameOf>
void add_named_grams(const std::vector<std::string>& layers, const std::vector<TensorView>& grams,
                     NameOf name_of, std::vector<TensorView>& named) {
  NSRG_CHECK(grams.size() == layers.size(), grams.size(), " Grams for ", layers.size(), " layers");
  for (size_t i = 0; i < grams.size(); ++i) {
    NSRG_CHECK(grams[i].shape.size() == 2 && grams[i].shape[0] == grams[i].shape[1], "Gram of ",
               layers[i], " is not square");
    TensorView view = grams[i];
    view.name = name_of(layers[i]);
    named.push_back(view);
  }
}

}  // namespace

void write_style_targets(const std::string& path, const StyleTargetsInfo& info,
                         const std::vector<TensorView>& grams,
                         const std::vector<std::vector<TensorView>>& region_grams) {
  NSRG_CHECK(region_grams.size() == info.regions.size(), region_grams.size(),
             " regions' Grams for ", info.regions.size(), " regions");
  std::map<std::string, std::string> metadata{
      {kFormatKey, kStyleTargetsFormat},
      {"nsrg.model", valid_utf8_or_question_marks(info.model)},
      {"nsrg.model_sha256", info.model_sha256},
      {"nsrg.layers", metadata_json_text(info.layers)},
      {"nsrg.style_images", style_images_json_text(info.sources)},
      {"nsrg.randomization", randomization_json_text(info.randomization)},
      {"nsrg.seed", std::to_string(info.seed)},
      {"nsrg.variant", info.variant},
      {"nsrg.image_size", std::to_string(info.image_size)},
      {"nsrg.style_scale", float_text(info.style_scale)},
      {"nsrg.levels", info.levels},
      {"nsrg.lineage", lineage_json_text(info.lineage)},
  };
  std::vector<TensorView> named;
  if (info.regions.empty()) {
    add_named_grams(info.layers, grams, gram_tensor_name, named);
  } else {
    NSRG_CHECK(grams.empty(), "a regions file holds no whole-image Grams");
    metadata.emplace("nsrg.regions", kept_regions_json_text(info.regions));
    for (size_t r = 0; r < region_grams.size(); ++r)
      add_named_grams(
          info.layers, region_grams[r],
          [r](const std::string& layer) { return region_gram_tensor_name(r, layer); }, named);
  }
  write_safetensors(path, metadata, named);
}

namespace {

StyleTargetsInfo parse_info(const std::string& path,
                            const std::map<std::string, std::string>& metadata) {
  const auto format = metadata.find(kFormatKey);
  if (format == metadata.end())
    throw UserError(msg(path, ": not a style targets file (no ", kFormatKey,
                        " metadata; write one with output.save_targets = true)"));
  if (format->second != kStyleTargetsFormat && format->second != kFormat1)
    throw UserError(msg(path, ": style targets format \"", short_quote(format->second),
                        "\" is not supported (this build reads formats ", kFormat1, " and ",
                        kStyleTargetsFormat, ")"));
  StyleTargetsInfo info;
  info.model = metadata_string(path, metadata, "nsrg.model");
  info.model_sha256 = metadata_string(path, metadata, "nsrg.model_sha256");
  const json layers = metadata_json(path, metadata, "nsrg.layers");
  if (!layers.is_array() || layers.empty())
    throw UserError(msg(path, ": metadata entry nsrg.layers is not a non-empty list of names"));
  for (const json& layer : layers) {
    if (!layer.is_string() || layer.get<std::string>().empty())
      throw UserError(msg(path, ": metadata entry nsrg.layers holds a non-name"));
    for (const std::string& seen : info.layers)
      if (seen == layer.get<std::string>())
        throw UserError(
            msg(path, ": metadata entry nsrg.layers names ", short_quote(seen), " twice"));
    info.layers.push_back(layer.get<std::string>());
  }
  info.sources = parse_style_images(path, "nsrg.style_images",
                                    metadata_string(path, metadata, "nsrg.style_images"));
  info.randomization = parse_randomization(path, "nsrg.randomization",
                                           metadata_string(path, metadata, "nsrg.randomization"));
  const std::string seed = metadata_string(path, metadata, "nsrg.seed");
  try {
    size_t used = 0;
    info.seed = std::stoull(seed, &used);
    if (used != seed.size() || seed.empty() || seed[0] == '-') throw std::invalid_argument(seed);
  } catch (const std::exception&) {
    throw UserError(msg(path, ": metadata entry nsrg.seed is not a non-negative integer"));
  }
  info.variant = metadata_string(path, metadata, "nsrg.variant");
  const json image_size = metadata_json(path, metadata, "nsrg.image_size");
  if (!image_size.is_number_integer() || image_size.get<int64_t>() < 1 ||
      image_size.get<int64_t>() > 1000000)
    throw UserError(msg(path, ": metadata entry nsrg.image_size is not a positive integer"));
  info.image_size = image_size.get<int>();
  const json style_scale = metadata_json(path, metadata, "nsrg.style_scale");
  if (!style_scale.is_number() || !std::isfinite(style_scale.get<double>()) ||
      std::fabs(style_scale.get<double>()) > 3.0e38)
    throw UserError(msg(path, ": metadata entry nsrg.style_scale is not a number"));
  info.style_scale = style_scale.get<float>();
  info.levels = metadata_string(path, metadata, "nsrg.levels");
  if (info.levels != "minmax" && info.levels != "clamp" && info.levels != "auto")
    throw UserError(msg(path, ": metadata entry nsrg.levels is not minmax, clamp or auto"));
  // A format-1 file recorded no lineage: its root is unknown.
  info.lineage = format->second == kFormat1
                     ? unknown_lineage()
                     : parse_lineage(path, metadata_string(path, metadata, "nsrg.lineage"));
  if (metadata.count("nsrg.regions"))
    info.regions = parse_kept_regions(path, metadata_string(path, metadata, "nsrg.regions"));
  return info;
}

}  // namespace

StyleTargetsInfo read_style_targets_info(const std::string& path) {
  return parse_info(path,
                    read_safetensors(path, [](const std::string&) { return false; }).metadata);
}

namespace {

// The Gram of every layer of `info`, each named by `name_of(layer)`, taken from `file`.
template <class NameOf>
std::vector<HostTensor> take_grams(const std::string& path, SafetensorsFile& file,
                                   const StyleTargetsInfo& info, NameOf name_of) {
  std::vector<HostTensor> grams;
  for (const std::string& layer : info.layers) {
    const std::string name = name_of(layer);
    auto it = file.tensors.find(name);
    if (it == file.tensors.end())
      throw UserError(msg(path, ": tensor ", name, " is missing (nsrg.layers names ", layer, ")"));
    const std::vector<int64_t>& shape = it->second.shape;
    if (shape.size() != 2 || shape[0] < 1 || shape[0] != shape[1])
      throw UserError(msg(path, ": tensor ", name, " is not a square [C, C] Gram matrix"));
    grams.push_back(std::move(it->second));
  }
  return grams;
}

}  // namespace

StyleTargets read_style_targets(const std::string& path) {
  SafetensorsFile file = read_safetensors(path);
  StyleTargets targets;
  targets.info = parse_info(path, file.metadata);
  const size_t tensor_count = file.tensors.size();
  if (targets.info.regions.empty()) {
    targets.grams = take_grams(path, file, targets.info, gram_tensor_name);
  } else {
    for (size_t r = 0; r < targets.info.regions.size(); ++r)
      targets.region_grams.push_back(
          take_grams(path, file, targets.info,
                     [r](const std::string& l) { return region_gram_tensor_name(r, l); }));
  }
  const size_t expected =
      targets.info.layers.size() * std::max<size_t>(1, targets.info.regions.size());
  if (tensor_count != expected)
    throw UserError(
        msg(path, ": holds ", tensor_count, " tensors but nsrg.layers names ",
            targets.info.layers.size(), " layers",
            targets.info.regions.empty()
                ? std::string()
                : msg(" for each of ", targets.info.regions.size(), " regions (nsrg.regions)")));
  return targets;
}

}  // namespace nsrg
