// Lineage values <-> nsrg.lineage JSON; the reader checks everything it reads.
#include "weights/style_lineage.h"

#include "engine/core/error.h"
#include "weights/lineage_json.h"
#include "weights/metadata_fields.h"

namespace nsrg {
namespace {

using json = nlohmann::json;

constexpr char kLineageEntry[] = "nsrg.lineage";
constexpr char kRandomizeType[] = "randomize";
constexpr char kBlendType[] = "blend";
constexpr char kLayerSourcesType[] = "layer_sources";

// ---- writing ------------------------------------------------------------------------------

json randomization_json(const TargetRandomization& r) {
  return {{"layer", r.layer},
          {"mode", randomize_mode_name(r.settings.mode)},
          {"range", {r.settings.lo, r.settings.hi}},
          {"distribution", random_distribution_name(r.settings.distribution)},
          {"mix", r.settings.mix},
          {"keep_energy", r.settings.keep_energy}};
}

json randomizations_json(const std::vector<TargetRandomization>& layers) {
  json list = json::array();
  for (const TargetRandomization& r : layers) list.push_back(randomization_json(r));
  return list;
}

json images_json(const std::vector<LineageImage>& images) {
  json list = json::array();
  for (const LineageImage& image : images)
    list.push_back(
        {{"file", image.file}, {"sha256", image.sha256}, {"blend_weight", image.blend_weight}});
  return list;
}

json lineage_json(const Lineage& lineage);

json root_json(const LineageRoot& root) {
  if (root.kind != LineageRootKind::Images) return name_in(kLineageRootKindNames, root.kind);
  json value = {{"model", root.model},
                {"model_sha256", root.model_sha256},
                {"style_images", images_json(root.style_images)},
                {"style_scale", root.style_scale}};
  if (uses_color_source(
          root)) {  // left out by default: files without colour control keep their bytes
    value["color"] = name_in(kStyleColorNames, root.color);
    value["color_match"] = name_in(kColorMatchNames, root.color_match);
    value["color_source"] = {{"file", root.color_source.file},
                             {"sha256", root.color_source.sha256}};
  }
  return value;
}

json step_json(const RandomizeStep& step) {
  return {{"type", kRandomizeType},
          {"parent_sha256", step.parent_sha256},
          {"seed", step.seed},
          {"variant", step.variant},
          {"layers", randomizations_json(step.layers)}};
}

json step_json(const BlendStep& step) {
  json parents = json::array();
  for (const BlendParent& parent : step.parents)
    parents.push_back(
        {{"file_sha256", parent.file_sha256}, {"lineage", lineage_json(parent.lineage)}});
  return {{"type", kBlendType},
          {"space", name_in(kBlendSpaceNames, step.space)},
          {"weights", step.weights},
          {"parents", parents}};
}

json step_json(const LayerSourcesStep& step) {
  json sources = json::array();
  for (const LayerSourceLineage& source : step.sources)
    sources.push_back({{"layer", source.layer},
                       {"file_sha256", source.file_sha256},
                       {"lineage", lineage_json(source.lineage)}});
  return {{"type", kLayerSourcesType}, {"sources", sources}};
}

json lineage_json(const Lineage& lineage) {
  json steps = json::array();
  for (const LineageStep& step : lineage.steps)
    steps.push_back(std::visit([](const auto& s) { return step_json(s); }, step));
  return {{"root", root_json(lineage.root)}, {"steps", steps}};
}

// ---- reading ------------------------------------------------------------------------------

TargetRandomization read_randomization(const MetadataSpot& spot, const json& entry) {
  TargetRandomization r;
  r.layer = spot.string_field(entry, "layer", kMaxLineageText);
  if (r.layer.empty()) spot.fail("field \"layer\" is empty");
  r.settings.mode = spot.named_field(entry, "mode", kRandomizeModeNames);
  const auto range = entry.find("range");
  if (range == entry.end() || !range->is_array() || range->size() != 2)
    spot.fail("field \"range\" is not [lo, hi]");
  r.settings.lo = spot.float_value((*range)[0], "field \"range\"");
  r.settings.hi = spot.float_value((*range)[1], "field \"range\"");
  r.settings.distribution = spot.named_field(entry, "distribution", kRandomDistributionNames);
  r.settings.mix = spot.float_field(entry, "mix");
  // Files written before keep_energy existed lack the field: it was off.
  r.settings.keep_energy = spot.optional_bool_field(entry, "keep_energy", false);
  return r;
}

std::vector<TargetRandomization> read_randomizations(const MetadataSpot& spot, const json& list) {
  std::vector<TargetRandomization> layers;
  for (size_t i = 0; i < list.size(); ++i) {
    const MetadataSpot here = spot.element(i);
    if (!list[i].is_object()) here.fail("is not a JSON object");
    layers.push_back(read_randomization(here, list[i]));
    for (size_t j = 0; j + 1 < layers.size(); ++j)
      if (layers[j].layer == layers.back().layer)
        here.fail(msg("layer \"", short_quote(layers.back().layer), "\" is listed twice"));
  }
  return layers;
}

// `checked_sha256`: each SHA-256 must be one (the lineage's root, which a replay checks the
// images against); nsrg.style_images, a record only, has always taken any string.
std::vector<LineageImage> read_images(const MetadataSpot& spot, const json& list,
                                      bool checked_sha256) {
  std::vector<LineageImage> images;
  for (size_t i = 0; i < list.size(); ++i) {
    const MetadataSpot here = spot.element(i);
    if (!list[i].is_object()) here.fail("is not a JSON object");
    LineageImage image;
    image.file = here.string_field(list[i], "file", kMaxLineageText);
    image.sha256 = checked_sha256 ? here.sha256_field(list[i], "sha256", false)
                                  : here.string_field(list[i], "sha256", kMaxLineageText);
    image.blend_weight = here.float_field(list[i], "blend_weight");
    if (!(image.blend_weight >= 0)) here.fail("field \"blend_weight\" is negative");
    images.push_back(image);
  }
  return images;
}

// A metadata entry that must be a JSON list of at most kMaxLineageListSize elements.
json metadata_list(const std::string& file, const std::string& entry, const std::string& text) {
  json value = parse_metadata_json(file, entry, text);
  const MetadataSpot spot(file, entry);
  if (!value.is_array()) spot.fail("is not a list");
  if (value.size() > kMaxLineageListSize)
    spot.fail(msg("has ", value.size(), " entries (at most ", kMaxLineageListSize, ")"));
  return value;
}

// Reads one lineage (and, through blends, its parents'), counting the steps of all of them
// against kMaxLineageSteps.
class LineageReader {
 public:
  Lineage read(const MetadataSpot& spot, const json& value, int depth) {
    if (depth > kMaxLineageDepth)
      spot.fail(msg("blends or layer sources are nested more than ", kMaxLineageDepth, " deep"));
    if (!value.is_object()) spot.fail("is not a JSON object");
    Lineage lineage;
    lineage.root = read_root(spot.member("root"), value);
    const json& steps = spot.array_field(value, "steps", kMaxLineageSteps);
    for (size_t i = 0; i < steps.size(); ++i) {
      const MetadataSpot here = spot.member("steps").element(i);
      if (++steps_read_ > kMaxLineageSteps)
        here.fail(msg("the lineage has more than ", kMaxLineageSteps, " steps in all"));
      if (!steps[i].is_object()) here.fail("is not a JSON object");
      const std::string type = here.string_field(steps[i], "type", 32);
      if (type == kRandomizeType) {
        lineage.steps.emplace_back(read_randomize(here, steps[i]));
      } else if (type == kBlendType) {
        if (i != 0 || lineage.root.kind != LineageRootKind::Blend)
          here.fail("a blend step comes only first, after the root \"blend\"");
        lineage.steps.emplace_back(read_blend(here, steps[i], depth));
      } else if (type == kLayerSourcesType) {
        lineage.steps.emplace_back(read_layer_sources(here, steps[i], depth));
      } else {
        here.fail(msg("field \"type\" is \"", short_quote(type),
                      "\", not randomize, blend or layer_sources"));
      }
    }
    if (lineage.root.kind == LineageRootKind::Blend &&
        (lineage.steps.empty() || !std::holds_alternative<BlendStep>(lineage.steps[0])))
      spot.member("steps").fail("the root \"blend\" needs a blend as the first step");
    return lineage;
  }

 private:
  LineageRoot read_root(const MetadataSpot& spot, const json& lineage) const {
    const auto it = lineage.find("root");
    if (it == lineage.end()) spot.fail("is missing");
    LineageRoot root;
    if (it->is_string()) {
      const std::optional<LineageRootKind> kind =
          value_in(kLineageRootKindNames, it->get_ref<const std::string&>());
      if (!kind || *kind == LineageRootKind::Images)
        spot.fail(msg("is \"", short_quote(it->get<std::string>()),
                      "\", not \"unknown\", \"blend\" or an object"));
      root.kind = *kind;
      return root;
    }
    if (!it->is_object()) spot.fail("is not \"unknown\", \"blend\" or an object");
    root.kind = LineageRootKind::Images;
    root.model = spot.string_field(*it, "model", kMaxLineageText);
    if (root.model.empty()) spot.fail("field \"model\" is empty");
    root.model_sha256 = spot.sha256_field(*it, "model_sha256", true);
    const json& images = spot.array_field(*it, "style_images", kMaxLineageListSize);
    if (images.empty()) spot.fail("field \"style_images\" is empty");
    root.style_images = read_images(spot.member("style_images"), images, true);
    root.style_scale = spot.float_field(*it, "style_scale");
    if (!(root.style_scale > 0) || root.style_scale > 10)
      spot.fail("field \"style_scale\" is not in (0, 10]");
    if (it->contains("color") || it->contains("color_match") || it->contains("color_source")) {
      root.color = spot.named_field(*it, "color", kStyleColorNames);
      root.color_match = spot.named_field(*it, "color_match", kColorMatchNames);
      if (!uses_color_source(root))
        spot.fail("fields \"color\" and \"color_match\" are the defaults but are written");
      const json& source = spot.object_field(*it, "color_source");
      const MetadataSpot here = spot.member("color_source");
      root.color_source.file = here.string_field(source, "file", kMaxLineageText);
      root.color_source.sha256 = here.sha256_field(source, "sha256", false);
    }
    return root;
  }

  RandomizeStep read_randomize(const MetadataSpot& spot, const json& value) const {
    RandomizeStep step;
    step.parent_sha256 = spot.sha256_field(value, "parent_sha256", true);
    step.seed = spot.unsigned_field(value, "seed");
    step.variant = spot.string_field(value, "variant", 64);
    if (step.variant.empty()) spot.fail("field \"variant\" is empty");
    const json& layers = spot.array_field(value, "layers", kMaxLineageListSize);
    if (layers.empty()) spot.fail("field \"layers\" is empty");
    step.layers = read_randomizations(spot.member("layers"), layers);
    return step;
  }

  BlendStep read_blend(const MetadataSpot& spot, const json& value, int depth) {
    BlendStep step;
    step.space = spot.named_field(value, "space", kBlendSpaceNames);
    const json& parents = spot.array_field(value, "parents", kMaxLineageListSize);
    if (parents.size() < 2) spot.fail("a blend needs at least two parents");
    const json& weights = spot.array_field(value, "weights", kMaxLineageListSize);
    if (weights.size() != parents.size())
      spot.fail(msg("has ", weights.size(), " weights for ", parents.size(), " parents"));
    for (size_t i = 0; i < weights.size(); ++i) {
      step.weights.push_back(spot.float_value(weights[i], msg("weights[", i, "]")));
      if (!(step.weights.back() >= 0)) spot.fail(msg("weights[", i, "] is negative"));
    }
    for (size_t i = 0; i < parents.size(); ++i) {
      const MetadataSpot here = spot.member("parents").element(i);
      if (!parents[i].is_object()) here.fail("is not a JSON object");
      BlendParent parent;
      parent.file_sha256 = here.sha256_field(parents[i], "file_sha256", false);
      const auto inner = parents[i].find("lineage");
      if (inner == parents[i].end()) here.fail("field \"lineage\" is missing");
      parent.lineage = read(here.member("lineage"), *inner, depth + 1);
      step.parents.push_back(std::move(parent));
    }
    return step;
  }

  LayerSourcesStep read_layer_sources(const MetadataSpot& spot, const json& value, int depth) {
    LayerSourcesStep step;
    const json& sources = spot.array_field(value, "sources", kMaxLineageListSize);
    if (sources.empty()) spot.fail("field \"sources\" is empty");
    for (size_t i = 0; i < sources.size(); ++i) {
      const MetadataSpot here = spot.member("sources").element(i);
      if (!sources[i].is_object()) here.fail("is not a JSON object");
      LayerSourceLineage source;
      source.layer = here.string_field(sources[i], "layer", kMaxLineageText);
      if (source.layer.empty()) here.fail("field \"layer\" is empty");
      for (const LayerSourceLineage& earlier : step.sources)
        if (earlier.layer == source.layer)
          here.fail(msg("layer \"", short_quote(source.layer), "\" has two sources"));
      source.file_sha256 = here.sha256_field(sources[i], "file_sha256", true);
      const auto inner = sources[i].find("lineage");
      if (inner == sources[i].end()) here.fail("field \"lineage\" is missing");
      source.lineage = read(here.member("lineage"), *inner, depth + 1);
      step.sources.push_back(std::move(source));
    }
    return step;
  }

  size_t steps_read_ = 0;
};

}  // namespace

Lineage unknown_lineage() {
  return {};
}

StyleColor lineage_color(const Lineage& lineage) {
  if (lineage.root.kind == LineageRootKind::Images) return lineage.root.color;
  if (lineage.root.kind == LineageRootKind::Blend && !lineage.steps.empty())
    if (const BlendStep* blend = std::get_if<BlendStep>(&lineage.steps.front()))
      if (!blend->parents.empty()) return lineage_color(blend->parents.front().lineage);
  return StyleColor::Full;
}

Lineage captured_lineage(LineageRoot root) {
  NSRG_CHECK(root.kind == LineageRootKind::Images, "a captured lineage needs an images root");
  Lineage lineage;
  lineage.root = std::move(root);
  return lineage;
}

Lineage blended_lineage(BlendStep blend) {
  NSRG_CHECK(blend.parents.size() >= 2 && blend.weights.size() == blend.parents.size(),
             "a blend needs at least two parents and one weight each");
  Lineage lineage;
  lineage.root.kind = LineageRootKind::Blend;
  lineage.steps.emplace_back(std::move(blend));
  return lineage;
}

void append_randomize_step(Lineage& lineage, RandomizeStep step) {
  NSRG_CHECK(!step.layers.empty() && !step.variant.empty(),
             "a randomize step needs its layers and variant");
  lineage.steps.emplace_back(std::move(step));
}

void append_layer_sources_step(Lineage& lineage, LayerSourcesStep step) {
  NSRG_CHECK(!step.sources.empty(), "a layer sources step needs at least one source");
  lineage.steps.emplace_back(std::move(step));
}

bool has_layer_sources(const Lineage& lineage) {
  for (const LineageStep& step : lineage.steps) {
    if (std::holds_alternative<LayerSourcesStep>(step)) return true;
    if (const BlendStep* blend = std::get_if<BlendStep>(&step))
      for (const BlendParent& parent : blend->parents)
        if (has_layer_sources(parent.lineage)) return true;
  }
  return false;
}

namespace {

// Appends the image roots of `lineage` to `roots`; false when one of them is unknown.
bool append_image_roots(const Lineage& lineage, std::vector<const LineageRoot*>& roots) {
  const std::vector<const LineageRoot*> more = image_roots(lineage);
  roots.insert(roots.end(), more.begin(), more.end());
  return !more.empty();
}

}  // namespace

std::vector<const LineageRoot*> image_roots(const Lineage& lineage) {
  std::vector<const LineageRoot*> roots;
  if (lineage.root.kind == LineageRootKind::Images) {
    roots.push_back(&lineage.root);
  } else if (lineage.root.kind == LineageRootKind::Blend) {
    const BlendStep* blend =
        lineage.steps.empty() ? nullptr : std::get_if<BlendStep>(&lineage.steps.front());
    if (blend == nullptr) return {};
    for (const BlendParent& parent : blend->parents)
      if (!append_image_roots(parent.lineage, roots)) return {};
  } else {
    return {};
  }
  // Then each layer source's roots, step by step, source by source.
  for (const LineageStep& step : lineage.steps)
    if (const LayerSourcesStep* sources = std::get_if<LayerSourcesStep>(&step))
      for (const LayerSourceLineage& source : sources->sources)
        if (!append_image_roots(source.lineage, roots)) return {};
  return roots;
}

std::string lineage_json_text(const Lineage& lineage) {
  return metadata_json_text(lineage_json(lineage));
}

nlohmann::json lineage_to_json(const Lineage& lineage) {
  return lineage_json(lineage);
}

Lineage lineage_from_json(const MetadataSpot& spot, const nlohmann::json& value) {
  return LineageReader().read(spot, value, 2);
}

Lineage parse_lineage(const std::string& file, const std::string& text) {
  const json value = parse_metadata_json(file, kLineageEntry, text);
  return LineageReader().read(MetadataSpot(file, kLineageEntry), value, 1);
}

std::string randomization_json_text(const std::vector<TargetRandomization>& layers) {
  return metadata_json_text(randomizations_json(layers));
}

std::vector<TargetRandomization> parse_randomization(const std::string& file,
                                                     const std::string& entry,
                                                     const std::string& text) {
  return read_randomizations(MetadataSpot(file, entry), metadata_list(file, entry, text));
}

std::string style_images_json_text(const std::vector<LineageImage>& images) {
  return metadata_json_text(images_json(images));
}

std::vector<LineageImage> parse_style_images(const std::string& file, const std::string& entry,
                                             const std::string& text) {
  return read_images(MetadataSpot(file, entry), metadata_list(file, entry, text), false);
}

}  // namespace nsrg
