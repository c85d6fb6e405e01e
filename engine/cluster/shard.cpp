// Shard membership and the names of partial summaries.
#include "engine/cluster/shard.h"

#include <filesystem>
#include <regex>
#include <set>

#include "engine/output/output_names.h"

namespace nsrg {

bool shard_renders(const Shard& shard, size_t cell) {
  return cell % size_t(shard.count) == size_t(shard.index);
}

std::vector<size_t> shard_cells(const Shard& shard, size_t grid_size) {
  std::vector<size_t> cells;
  for (size_t cell = size_t(shard.index); cell < grid_size; cell += size_t(shard.count))
    cells.push_back(cell);
  return cells;
}

std::string partial_summary_path(const std::string& summary_path, const Shard& shard) {
  return with_extension(summary_path, ".shard-" + std::to_string(shard.index) + "-of-" +
                                          std::to_string(shard.count) + ".json");
}

std::vector<int> partial_summary_counts(const std::string& summary_path) {
  namespace fs = std::filesystem;
  const fs::path summary(summary_path);
  const std::string stem = summary.stem().string();
  const std::regex partial_name(R"(\.shard-(\d{1,6})-of-(\d{1,6})\.json)");
  std::set<int> counts;
  std::error_code error;
  for (fs::directory_iterator it(summary.parent_path(), error), end; !error && it != end;
       it.increment(error)) {
    const std::string name = it->path().filename().string();
    std::smatch match;
    if (name.rfind(stem, 0) != 0) continue;
    const std::string rest = name.substr(stem.size());
    if (std::regex_match(rest, match, partial_name)) counts.insert(std::stoi(match[2].str()));
  }
  return {counts.begin(), counts.end()};
}

}  // namespace nsrg
