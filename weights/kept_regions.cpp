// nsrg.regions values <-> JSON; the reader checks everything it reads.
#include "weights/kept_regions.h"

#include "engine/core/error.h"
#include "weights/lineage_json.h"
#include "weights/metadata_fields.h"

namespace nsrg {
namespace {

using json = nlohmann::json;

constexpr char kRegionsEntry[] = "nsrg.regions";

json file_json(const LineageImage& file) {
  return {{"file", file.file}, {"sha256", file.sha256}};
}

LineageImage read_file(const MetadataSpot& spot, const json& value) {
  if (!value.is_object()) spot.fail("is not a JSON object");
  LineageImage file;
  file.file = spot.string_field(value, "file", kMaxLineageText);
  if (file.file.empty()) spot.fail("field \"file\" is empty");
  file.sha256 = spot.sha256_field(value, "sha256", false);
  return file;
}

KeptRegion read_region(const MetadataSpot& spot, const json& value) {
  if (!value.is_object()) spot.fail("is not a JSON object");
  KeptRegion region;
  region.mask = read_file(spot.member("mask"), spot.object_field(value, "mask"));
  region.weight = spot.float_field(value, "weight");
  if (!(region.weight >= 0)) spot.fail("field \"weight\" is negative");
  const json& masks = spot.array_field(value, "style_masks", kMaxLineageListSize);
  for (size_t i = 0; i < masks.size(); ++i)
    region.style_masks.push_back(read_file(spot.member("style_masks").element(i), masks[i]));
  const auto lineage = value.find("lineage");
  if (lineage == value.end()) spot.fail("field \"lineage\" is missing");
  region.lineage = lineage_from_json(spot.member("lineage"), *lineage);
  if (!region.style_masks.empty()) {
    // Style masks go with the style images of a captured root, one each.
    if (region.lineage.root.kind != LineageRootKind::Images)
      spot.fail("field \"style_masks\" needs a lineage whose root is style images");
    if (region.style_masks.size() != region.lineage.root.style_images.size())
      spot.fail(msg("has ", region.style_masks.size(), " style masks for ",
                    region.lineage.root.style_images.size(), " style images"));
  }
  return region;
}

}  // namespace

std::string region_gram_tensor_name(size_t region, const std::string& layer) {
  return msg("region", region, ".", layer, ".gram");
}

std::string kept_regions_json_text(const std::vector<KeptRegion>& regions) {
  json list = json::array();
  for (const KeptRegion& region : regions) {
    json masks = json::array();
    for (const LineageImage& mask : region.style_masks) masks.push_back(file_json(mask));
    list.push_back({{"mask", file_json(region.mask)},
                    {"weight", region.weight},
                    {"style_masks", masks},
                    {"lineage", lineage_to_json(region.lineage)}});
  }
  return metadata_json_text(list);
}

std::vector<KeptRegion> parse_kept_regions(const std::string& file, const std::string& text) {
  const json value = parse_metadata_json(file, kRegionsEntry, text);
  const MetadataSpot spot(file, kRegionsEntry);
  if (!value.is_array()) spot.fail("is not a list");
  if (value.empty() || value.size() > kMaxKeptRegions)
    spot.fail(msg("has ", value.size(), " regions (1 to ", kMaxKeptRegions, ")"));
  std::vector<KeptRegion> regions;
  for (size_t i = 0; i < value.size(); ++i)
    regions.push_back(read_region(spot.element(i), value[i]));
  return regions;
}

}  // namespace nsrg
