// choose_shard: --shard, --shard-count and the job array's environment, checked.
#include "engine/cluster/shard_choice.h"

#include <regex>

#include "engine/core/error.h"
#include "engine/core/utf8.h"

namespace nsrg {
namespace {

// A whole number of at most six digits, or -1.
long long whole_number(const std::string& text) {
  static const std::regex digits(R"(\d{1,6})");
  return std::regex_match(text, digits) ? std::stoll(text) : -1;
}

// The value of an environment variable that must be a whole number; -1 when it is not set.
long long environment_number(const EnvironmentLookup& environment, const char* name) {
  const char* value = environment(name);
  if (value == nullptr) return -1;
  const long long number = whole_number(value);
  NSRG_REQUIRE(number >= 0, name, "=\"", value, "\": not a whole number");
  return number;
}

void require_count_in_range(long long count, const std::string& what) {
  NSRG_REQUIRE(count >= 1, what, ": the shard count must be at least 1");
  NSRG_REQUIRE(count <= kMaxShardCount, what, ": at most ", kMaxShardCount, " shards");
}

// Slurm job array task: (SLURM_ARRAY_TASK_ID - MIN) / STEP of SLURM_ARRAY_TASK_COUNT, or of
// --shard-count where Slurm gives no count (a --shard-count that differs is refused).
ShardChoice slurm_shard(const EnvironmentLookup& environment, int shard_count) {
  const long long id = environment_number(environment, "SLURM_ARRAY_TASK_ID");
  long long min = environment_number(environment, "SLURM_ARRAY_TASK_MIN");
  long long step = environment_number(environment, "SLURM_ARRAY_TASK_STEP");
  const long long array_count = environment_number(environment, "SLURM_ARRAY_TASK_COUNT");
  if (min < 0) min = 0;
  if (step < 1) step = 1;
  NSRG_REQUIRE(array_count >= 0 || shard_count > 0,
               "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not: give --shard-count "
               "N or --shard I/N");
  NSRG_REQUIRE(array_count < 0 || shard_count == 0 || array_count == shard_count, "--shard-count ",
               shard_count, " does not match SLURM_ARRAY_TASK_COUNT=", array_count);
  const long long count = array_count >= 0 ? array_count : shard_count;
  const std::string source = msg(
      "SLURM_ARRAY_TASK_ID=", id, ", SLURM_ARRAY_TASK_MIN=", min,
      step > 1 ? msg(", SLURM_ARRAY_TASK_STEP=", step) : std::string(),
      array_count >= 0 ? msg(", SLURM_ARRAY_TASK_COUNT=", count) : msg(", --shard-count ", count));
  require_count_in_range(count, source);
  NSRG_REQUIRE(id >= min && (id - min) % step == 0 && (id - min) / step < count, source,
               ": the task is not one of ", count,
               " evenly spaced tasks from SLURM_ARRAY_TASK_MIN: submit a range such as "
               "--array=0-",
               count - 1, " (or 1-", count, "), or give --shard I/N");
  return {{int((id - min) / step), int(count)}, source};
}

// Kubernetes Indexed Job: JOB_COMPLETION_INDEX of --shard-count.
ShardChoice indexed_job_shard(const EnvironmentLookup& environment, int shard_count) {
  const long long index = environment_number(environment, "JOB_COMPLETION_INDEX");
  NSRG_REQUIRE(shard_count > 0, "JOB_COMPLETION_INDEX=", index,
               " is set (a Kubernetes Indexed Job) but the shard count is not: give "
               "--shard-count N (the Job's completions), or --shard none to render everything "
               "here");
  const std::string source = msg("JOB_COMPLETION_INDEX=", index, ", --shard-count ", shard_count);
  NSRG_REQUIRE(index < shard_count, source,
               ": the index must be below the count (the Job's completions)");
  return {{int(index), shard_count}, source};
}

}  // namespace

Shard parse_shard_flag(const std::string& text) {
  static const std::regex pattern(R"((\d{1,6})/(\d{1,6}))");
  std::smatch match;
  NSRG_REQUIRE(std::regex_match(text, match, pattern), "--shard \"", short_quote(text),
               "\": expected I/N, this shard's index and the shard count (0 <= I < N), e.g. "
               "--shard 0/4, or none");
  const long long index = std::stoll(match[1].str()), count = std::stoll(match[2].str());
  require_count_in_range(count, "--shard " + text);
  NSRG_REQUIRE(index < count, "--shard ", text,
               ": the index I must be below the count N (0 <= I < N; shards count from 0)");
  return {int(index), int(count)};
}

int parse_shard_count_flag(const std::string& text) {
  if (text.empty()) return 0;
  const long long count = whole_number(text);
  NSRG_REQUIRE(count >= 0, "--shard-count \"", short_quote(text), "\": expected a whole number");
  require_count_in_range(count, "--shard-count " + text);
  return int(count);
}

std::optional<ShardChoice> choose_shard(const std::string& shard_flag,
                                        const std::string& shard_count_flag,
                                        const EnvironmentLookup& environment) {
  const int shard_count = parse_shard_count_flag(shard_count_flag);
  if (shard_flag == "none") {
    NSRG_REQUIRE(shard_count == 0, "--shard-count ", shard_count,
                 " contradicts --shard none (which renders the whole run here)");
    return std::nullopt;
  }
  if (!shard_flag.empty()) {
    const Shard shard = parse_shard_flag(shard_flag);
    NSRG_REQUIRE(shard_count == 0 || shard_count == shard.count, "--shard-count ", shard_count,
                 " does not match --shard ", shard_flag);
    return ShardChoice{shard, "--shard " + shard_flag};
  }
  if (environment("SLURM_ARRAY_TASK_ID") != nullptr) return slurm_shard(environment, shard_count);
  if (environment("JOB_COMPLETION_INDEX") != nullptr)
    return indexed_job_shard(environment, shard_count);
  NSRG_REQUIRE(shard_count == 0, "--shard-count ", shard_count,
               " needs a shard index: give --shard I/N, or run in a Slurm job array "
               "(SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX)");
  return std::nullopt;
}

}  // namespace nsrg
