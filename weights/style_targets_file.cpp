// Style targets files: metadata <-> StyleTargetsInfo, Gram tensors checked on reading.
#include "weights/style_targets_file.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "engine/core/error.h"
#include "engine/core/utf8.h"

namespace nsrg {
namespace {

using json = nlohmann::json;

constexpr char kFormatKey[] = "nsrg.style_targets";

std::string float_text(float value) {
  return json(value).dump();
}

// Metadata entry `key` of `path`, parsed as JSON (every structured entry is JSON text).
json metadata_json(const std::string& path, const std::map<std::string, std::string>& metadata,
                   const std::string& key) {
  const auto it = metadata.find(key);
  if (it == metadata.end())
    throw UserError(msg(path, ": style targets file lacks the metadata entry ", key));
  try {
    return json::parse(it->second);
  } catch (const json::exception&) {
    throw UserError(msg(path, ": metadata entry ", key, " is not valid JSON"));
  }
}

std::string metadata_string(const std::string& path,
                            const std::map<std::string, std::string>& metadata,
                            const std::string& key) {
  const auto it = metadata.find(key);
  if (it == metadata.end())
    throw UserError(msg(path, ": style targets file lacks the metadata entry ", key));
  return it->second;
}

// A typed field of a JSON object read from the file; UserError naming the entry when absent
// or of another type.
template <typename T>
T field(const std::string& path, const std::string& entry, const json& object, const char* name) {
  const auto it = object.find(name);
  try {
    if (it != object.end()) return it->get<T>();
  } catch (const json::exception&) {
  }
  throw UserError(msg(path, ": metadata entry ", entry, ": field \"", name,
                      "\" is missing or of the wrong type"));
}

// A string field that must be one of an enum's names; UserError naming the entry otherwise.
template <typename Enum, size_t N>
Enum named_field(const std::string& path, const std::string& entry, const json& object,
                 const char* name, const NamedValue<Enum> (&names)[N]) {
  const std::string text = field<std::string>(path, entry, object, name);
  const std::optional<Enum> value = value_in(names, text);
  if (!value)
    throw UserError(msg(path, ": metadata entry ", entry, ": field \"", name, "\" is \"",
                        short_quote(text), "\", not one of ", joined_names(names)));
  return *value;
}

float finite_float(const std::string& path, const std::string& entry, const json& object,
                   const char* name) {
  const double value = field<double>(path, entry, object, name);
  if (!std::isfinite(value) || std::fabs(value) > 3.0e38)
    throw UserError(msg(path, ": metadata entry ", entry, ": field \"", name, "\" is not finite"));
  return float(value);
}

}  // namespace

std::string gram_tensor_name(const std::string& layer) {
  return layer + ".gram";
}

void write_style_targets(const std::string& path, const StyleTargetsInfo& info,
                         const std::vector<TensorView>& grams) {
  NSRG_CHECK(grams.size() == info.layers.size(), grams.size(), " Grams for ", info.layers.size(),
             " layers");
  json sources = json::array();
  for (const StyleSource& s : info.sources)
    sources.push_back({{"file", s.file}, {"sha256", s.sha256}, {"blend_weight", s.blend_weight}});
  json randomization = json::array();
  for (const TargetRandomization& r : info.randomization)
    randomization.push_back({{"layer", r.layer},
                             {"mode", randomize_mode_name(r.settings.mode)},
                             {"range", {r.settings.lo, r.settings.hi}},
                             {"distribution", random_distribution_name(r.settings.distribution)},
                             {"mix", r.settings.mix}});
  const auto dump = [](const json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
  };
  std::map<std::string, std::string> metadata{
      {kFormatKey, kStyleTargetsFormat},
      {"nsrg.model", valid_utf8_or_question_marks(info.model)},
      {"nsrg.model_sha256", info.model_sha256},
      {"nsrg.layers", dump(info.layers)},
      {"nsrg.style_images", dump(sources)},
      {"nsrg.randomization", dump(randomization)},
      {"nsrg.seed", std::to_string(info.seed)},
      {"nsrg.variant", info.variant},
      {"nsrg.image_size", std::to_string(info.image_size)},
      {"nsrg.style_scale", float_text(info.style_scale)},
      {"nsrg.levels", info.levels},
  };
  std::vector<TensorView> named;
  for (size_t i = 0; i < grams.size(); ++i) {
    NSRG_CHECK(grams[i].shape.size() == 2 && grams[i].shape[0] == grams[i].shape[1], "Gram of ",
               info.layers[i], " is not square");
    TensorView view = grams[i];
    view.name = gram_tensor_name(info.layers[i]);
    named.push_back(view);
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
  if (format->second != kStyleTargetsFormat)
    throw UserError(msg(path, ": style targets format \"", short_quote(format->second),
                        "\" is not supported (this build reads format ", kStyleTargetsFormat, ")"));
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
  const json sources = metadata_json(path, metadata, "nsrg.style_images");
  if (!sources.is_array())
    throw UserError(msg(path, ": metadata entry nsrg.style_images is not a list"));
  for (const json& source : sources)
    info.sources.push_back({field<std::string>(path, "nsrg.style_images", source, "file"),
                            field<std::string>(path, "nsrg.style_images", source, "sha256"),
                            finite_float(path, "nsrg.style_images", source, "blend_weight")});
  const json randomization = metadata_json(path, metadata, "nsrg.randomization");
  if (!randomization.is_array())
    throw UserError(msg(path, ": metadata entry nsrg.randomization is not a list"));
  for (const json& entry : randomization) {
    const std::string where = "nsrg.randomization";
    TargetRandomization r;
    r.layer = field<std::string>(path, where, entry, "layer");
    r.settings.mode = named_field(path, where, entry, "mode", kRandomizeModeNames);
    const json range = field<json>(path, where, entry, "range");
    const auto in_float_range = [](const json& value) {
      return value.is_number() && std::isfinite(value.get<double>()) &&
             std::fabs(value.get<double>()) <= 3.0e38;
    };
    if (!range.is_array() || range.size() != 2 || !in_float_range(range[0]) ||
        !in_float_range(range[1]))
      throw UserError(msg(path, ": metadata entry ", where, ": field \"range\" is not [lo, hi]"));
    r.settings.lo = float(range[0].get<double>());
    r.settings.hi = float(range[1].get<double>());
    r.settings.distribution =
        named_field(path, where, entry, "distribution", kRandomDistributionNames);
    r.settings.mix = finite_float(path, where, entry, "mix");
    info.randomization.push_back(r);
  }
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
  return info;
}

}  // namespace

StyleTargetsInfo read_style_targets_info(const std::string& path) {
  return parse_info(path,
                    read_safetensors(path, [](const std::string&) { return false; }).metadata);
}

StyleTargets read_style_targets(const std::string& path) {
  SafetensorsFile file = read_safetensors(path);
  StyleTargets targets;
  targets.info = parse_info(path, file.metadata);
  for (const std::string& layer : targets.info.layers) {
    const std::string name = gram_tensor_name(layer);
    auto it = file.tensors.find(name);
    if (it == file.tensors.end())
      throw UserError(msg(path, ": tensor ", name, " is missing (nsrg.layers names ", layer, ")"));
    const std::vector<int64_t>& shape = it->second.shape;
    if (shape.size() != 2 || shape[0] < 1 || shape[0] != shape[1])
      throw UserError(msg(path, ": tensor ", name, " is not a square [C, C] Gram matrix"));
    targets.grams.push_back(std::move(it->second));
  }
  if (file.tensors.size() != targets.info.layers.size())
    throw UserError(msg(path, ": holds ", file.tensors.size(), " tensors but nsrg.layers names ",
                        targets.info.layers.size(), " layers"));
  return targets;
}

}  // namespace nsrg
