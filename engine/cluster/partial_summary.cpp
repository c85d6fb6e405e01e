// The "shard" entry of a partial summary, and reading a partial summary file.
#include "engine/cluster/partial_summary.h"

#include <unistd.h>

#include <climits>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/core/error.h"
#include "weights/json_parse.h"

namespace nsrg {
namespace {

// A summary nests 7 deep (images, an image, its stages, a stage, its history, an entry).
constexpr int kMaxSummaryDepth = 12;
// The summary of a family of a thousand images with long histories is a few tens of MB.
constexpr uintmax_t kMaxPartialSummaryBytes = uintmax_t(1) << 30;

std::string host_name() {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof name) != 0) return "";
  name[HOST_NAME_MAX] = '\0';
  return name;
}

}  // namespace

nlohmann::json shard_entry_json(const Shard& shard, const std::vector<size_t>& cells) {
  return {{"index", shard.index}, {"count", shard.count}, {"cells", cells}, {"host", host_name()}};
}

UserError not_a_partial_summary(const std::string& path, const std::string& detail) {
  return UserError(msg(path, ": not a partial summary of nsrg-engine (", detail, ")"));
}

PartialSummary read_partial_summary(const std::string& path, const Shard& expected) {
  std::error_code error;
  const uintmax_t size = std::filesystem::file_size(path, error);
  NSRG_REQUIRE(!error, path, ": cannot read this partial summary: ", error.message());
  NSRG_REQUIRE(size <= kMaxPartialSummaryBytes, path, ": a partial summary of ", size,
               " bytes is larger than any run writes (at most ", kMaxPartialSummaryBytes, ")");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  NSRG_REQUIRE(in, path, ": cannot read this partial summary");
  PartialSummary partial;
  partial.path = path;
  partial.document = parse_json_limited(text.str(), kMaxSummaryDepth, path + ": partial summary");
  try {
    const nlohmann::json& shard = partial.document.at("shard");
    partial.shard = {shard.at("index").get<int>(), shard.at("count").get<int>()};
    partial.host = shard.value("host", "");
  } catch (const nlohmann::json::exception& error) {
    throw not_a_partial_summary(path, error.what());
  }
  NSRG_REQUIRE(partial.shard.index == expected.index && partial.shard.count == expected.count, path,
               ": says it is shard ", partial.shard.index, " of ", partial.shard.count,
               ", not shard ", expected.index, " of ", expected.count, " as its name does");
  return partial;
}

}  // namespace nsrg
