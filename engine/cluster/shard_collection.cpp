// collect_shards: the partial summaries read, checked against the grid and merged.
#include "engine/cluster/shard_collection.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "engine/core/error.h"
#include "engine/core/utf8.h"
#include "engine/output/config_hash.h"
#include "engine/output/output_names.h"
#include "engine/output/summary_reading.h"

namespace nsrg {
namespace {

// "a, b, c and 4 more"
std::string some_names(const std::vector<std::string>& names) {
  constexpr size_t kShown = 3;
  std::string text;
  for (size_t i = 0; i < names.size() && i < kShown; ++i) text += (i ? ", " : "") + names[i];
  if (names.size() > kShown) text += msg(" and ", names.size() - kShown, " more");
  return text;
}

std::vector<std::string> shard_image_names(const std::vector<GridCell>& grid, const Shard& shard) {
  std::vector<std::string> names;
  for (size_t cell : shard_cells(shard, grid.size())) names.push_back(grid[cell].path);
  return names;
}

int resolve_shard_count(const std::string& summary_path, int shard_count) {
  if (shard_count > 0) return shard_count;
  const std::vector<int> counts = partial_summary_counts(summary_path);
  const std::string names = with_extension(summary_path, ".shard-*-of-*.json");
  NSRG_REQUIRE(!counts.empty(), "--gather: no partial summaries ", names,
               ": render the shards first (--shard I/N, or in a job array)");
  if (counts.size() > 1) {
    std::string list;
    for (int count : counts) list += (list.empty() ? "" : ", ") + std::to_string(count);
    throw UserError(msg("--gather: partial summaries ", names, " of runs in ", list,
                        " shards: give --shard-count N to gather one of them"));
  }
  return counts.front();
}

// The partial summary of `shard`, checked: present, this configuration's, not interrupted.
PartialSummary read_checked_partial(const std::string& summary_path, const Shard& shard,
                                    const std::vector<GridCell>& grid,
                                    const nlohmann::json& config_json) {
  const std::string path = partial_summary_path(summary_path, shard);
  if (!std::filesystem::exists(path)) {
    const std::vector<std::string> images = shard_image_names(grid, shard);
    throw UserError(msg("missing shard ", shard.index, " of ", shard.count, ": ", path,
                        " not found (",
                        images.empty() ? std::string("a shard without images still writes one")
                                       : "its images: " + some_names(images),
                        "): run that shard (again)"));
  }
  PartialSummary partial = read_partial_summary(path, shard);
  std::string hash, difference;
  bool interrupted = false;
  try {
    hash = partial.document.value("config_hash", "");
    difference =
        first_config_difference(config_json, partial.document.value("config", nlohmann::json()));
    interrupted = partial.document.value("interrupted", false);
  } catch (const nlohmann::json::exception& error) {
    throw not_a_partial_summary(path, error.what());
  }
  const std::string expected = config_json_hash(config_json);
  if (hash != expected)
    throw UserError(
        msg(path, ": a shard of another configuration (config hash ",
            short_quote(hash.substr(0, 12)), ", this one's ", expected.substr(0, 12),
            difference.empty() ? std::string() : ", first difference: " + short_quote(difference),
            "): gather with the config and --set options the shards ran with, or "
            "render this shard again"));
  NSRG_REQUIRE(!interrupted, path, ": shard ", shard.index,
               " was interrupted before it finished: run it again");
  return partial;
}

// The process facts of the gathered run: backend, model, memory plan and timings of shard 0
// (which renders the grid's first image), the largest peak memory of any shard. Every shard
// that rendered must have planned the same memory: a plan capped for one machine's memory
// renders with a shorter L-BFGS history, so its images would differ from the others'.
void merge_process_facts(ShardCollection& collection) {
  const PartialSummary& first = collection.partials.front();
  RunRecord& record = collection.record;
  const PartialSummary* reading = &first;  // for the message of a malformed file
  try {
    const nlohmann::json& document = first.document;
    record.backend = document.at("backend").get<std::string>();
    record.model_source = document.at("model_source").get<std::string>();
    record.memory_plan = memory_plan_from_json(document.at("memory_plan"));
    record.load_seconds = document.at("timings").at("load_seconds").get<double>();
    record.capture_seconds = document.at("timings").at("capture_seconds").get<double>();
    for (const PartialSummary& partial : collection.partials) {
      reading = &partial;
      record.peak_memory_bytes = std::max(record.peak_memory_bytes,
                                          partial.document.at("peak_memory_bytes").get<size_t>());
      const bool rendered =
          !partial.document.at("images").empty() || !partial.document.at("references").empty();
      NSRG_REQUIRE(!rendered || partial.document.at("memory_plan") == document.at("memory_plan"),
                   partial.path, ": its memory plan differs from shard 0's (", first.path,
                   "): one of them capped the L-BFGS history to fit its machine; set "
                   "memory_limit_mib (or a smaller optimizer.history) so every shard renders "
                   "alike, and render again");
    }
  } catch (const nlohmann::json::exception& error) {
    throw not_a_partial_summary(reading->path, error.what());
  }
}

}  // namespace

ShardCollection collect_shards(const RenderConfig& config, const RenderOutputs& outputs,
                               const std::vector<GridCell>& grid, int shard_count) {
  const int count = resolve_shard_count(outputs.summary, shard_count);
  const nlohmann::json config_json = config_to_json(config);
  std::map<std::string, size_t> cell_of_path;
  for (size_t cell = 0; cell < grid.size(); ++cell) cell_of_path[grid[cell].path] = cell;

  ShardCollection collection;
  std::vector<RenderedImage> images(grid.size());
  std::vector<int> listed_by(grid.size(), -1);  // the shard whose summary lists the cell
  for (int index = 0; index < count; ++index) {
    const Shard shard{index, count};
    PartialSummary partial = read_checked_partial(outputs.summary, shard, grid, config_json);
    const std::string& path = partial.path;
    for (const char* section : {"images", "references"}) {
      const bool references = std::string(section) == "references";
      try {
        for (const nlohmann::json& entry : partial.document.at(section)) {
          const std::string file = entry.at("file").get<std::string>();
          const auto found = cell_of_path.find(file);
          NSRG_REQUIRE(found != cell_of_path.end() && grid[found->second].reference == references,
                       path, ": lists ", short_quote(file),
                       ", which is not an image of this configuration");
          const size_t cell = found->second;
          NSRG_REQUIRE(listed_by[cell] < 0, "duplicate image ", grid[cell].path, ": listed by ",
                       partial_summary_path(outputs.summary, {listed_by[cell], count}), " and ",
                       path);
          NSRG_REQUIRE(shard_renders(shard, cell), path, ": lists ", grid[cell].path,
                       ", which is shard ", cell % size_t(count), "'s image, not shard ", index,
                       "'s");
          images[cell] = rendered_image_from_json(entry, grid[cell]);
          listed_by[cell] = index;
        }
      } catch (const nlohmann::json::exception& error) {
        throw not_a_partial_summary(path, msg(section, ": ", error.what()));
      }
    }
    std::vector<std::string> lacking;
    for (size_t cell : shard_cells(shard, grid.size()))
      if (listed_by[cell] < 0) lacking.push_back(grid[cell].path);
    NSRG_REQUIRE(lacking.empty(), path, ": shard ", index, " lacks ", some_names(lacking),
                 ": run it again");
    collection.partials.push_back(std::move(partial));
  }

  for (size_t cell = 0; cell < grid.size(); ++cell) {
    NSRG_REQUIRE(std::filesystem::exists(grid[cell].path), grid[cell].path, " (shard ",
                 listed_by[cell], ") is listed in ",
                 partial_summary_path(outputs.summary, {listed_by[cell], count}),
                 " but missing on disk: run that shard again");
    (grid[cell].reference ? collection.record.references : collection.record.images)
        .push_back(std::move(images[cell]));
  }
  merge_process_facts(collection);
  return collection;
}

}  // namespace nsrg
