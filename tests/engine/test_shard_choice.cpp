// Choosing the shard: --shard I/N (checked), --shard none, and a job array's environment:
// Slurm (SLURM_ARRAY_TASK_ID offset by SLURM_ARRAY_TASK_MIN and divided by the step, so
// --array=1-4 and --array=0-12:4 give shards 0..3) and Kubernetes Indexed Jobs
// (JOB_COMPLETION_INDEX with --shard-count). Mistakes are one UserError line naming the flag
// or the variable.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "engine/core/error.h"
#include "engine/cluster/shard_choice.h"

namespace nsrg {
namespace {

// A fake environment.
EnvironmentLookup environment(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](const char* name) -> const char* {
    const auto found = variables.find(name);
    return found == variables.end() ? nullptr : found->second.c_str();
  };
}

const EnvironmentLookup kEmpty = environment({});

// The UserError message of `body`, or "" when it throws none.
template <typename Body>
std::string user_error(Body body) {
  try {
    body();
  } catch (const UserError& error) {
    return error.what();
  }
  return "";
}

TEST(ShardChoice, TheFlag) {
  const auto choice = choose_shard("2/5", "", kEmpty);
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->shard.index, 2);
  EXPECT_EQ(choice->shard.count, 5);
  EXPECT_EQ(choice->source, "--shard 2/5");
  EXPECT_TRUE(choose_shard("0/1", "1", kEmpty));
  EXPECT_FALSE(choose_shard("", "", kEmpty));
}

TEST(ShardChoice, BadFlagsAreOneLineNamingTheFlag) {
  for (const char* bad : {"4/4", "5/4", "0/0", "1", "a/4", "-1/4", "1/4/2", " 1/4", "1/-4", "",
                          "1/1000000", "1/999999"}) {
    const std::string error = user_error([&] { parse_shard_flag(bad); });
    EXPECT_NE(error.find("--shard"), std::string::npos) << bad << ": " << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  }
  EXPECT_NE(user_error([] { parse_shard_flag("4/4"); }).find("0 <= I < N"), std::string::npos);
  EXPECT_NE(user_error([] { choose_shard("1/4", "3", kEmpty); }).find("--shard-count 3"),
            std::string::npos);
  EXPECT_NE(user_error([] { choose_shard("", "x", kEmpty); }).find("--shard-count"),
            std::string::npos);
  EXPECT_NE(user_error([] { choose_shard("", "0", kEmpty); }).find("at least 1"),
            std::string::npos);
  // A count with nothing to say which shard this is.
  EXPECT_NE(user_error([] { choose_shard("", "4", kEmpty); }).find("SLURM_ARRAY_TASK_ID"),
            std::string::npos);
}

TEST(ShardChoice, SlurmArrayFromOneIsOffsetByItsMinimum) {
  for (int id = 1; id <= 4; ++id) {
    const auto choice = choose_shard("", "",
                                     environment({{"SLURM_ARRAY_TASK_ID", std::to_string(id)},
                                                  {"SLURM_ARRAY_TASK_MIN", "1"},
                                                  {"SLURM_ARRAY_TASK_MAX", "4"},
                                                  {"SLURM_ARRAY_TASK_COUNT", "4"}}));
    ASSERT_TRUE(choice);
    EXPECT_EQ(choice->shard.index, id - 1);
    EXPECT_EQ(choice->shard.count, 4);
    EXPECT_NE(choice->source.find("SLURM_ARRAY_TASK_MIN=1"), std::string::npos);
  }
}

TEST(ShardChoice, SlurmArrayWithAStep) {
  // --array=0-12:4: tasks 0, 4, 8, 12.
  const auto choice = choose_shard("", "",
                                   environment({{"SLURM_ARRAY_TASK_ID", "8"},
                                                {"SLURM_ARRAY_TASK_MIN", "0"},
                                                {"SLURM_ARRAY_TASK_STEP", "4"},
                                                {"SLURM_ARRAY_TASK_COUNT", "4"}}));
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->shard.index, 2);
}

TEST(ShardChoice, SlurmArrayThatIsNotOneRangeIsRefused) {
  // --array=1,3,9: task 9 is not below the count when offset by the minimum.
  const std::string error = user_error([] {
    choose_shard("", "",
                 environment({{"SLURM_ARRAY_TASK_ID", "9"},
                              {"SLURM_ARRAY_TASK_MIN", "1"},
                              {"SLURM_ARRAY_TASK_COUNT", "3"}}));
  });
  EXPECT_NE(error.find("SLURM_ARRAY_TASK_ID=9"), std::string::npos) << error;
  EXPECT_NE(error.find("--array=0-2"), std::string::npos) << error;
  EXPECT_NE(user_error([] {
              choose_shard("", "", environment({{"SLURM_ARRAY_TASK_ID", "two"}}));
            }).find("SLURM_ARRAY_TASK_ID=\"two\""),
            std::string::npos);
  EXPECT_NE(user_error([] {
              choose_shard("", "", environment({{"SLURM_ARRAY_TASK_ID", "0"}}));
            }).find("SLURM_ARRAY_TASK_COUNT"),
            std::string::npos);
}

TEST(ShardChoice, ShardCountStandsInForOrMustMatchSlurmsCount) {
  const auto without_count = choose_shard("", "3", environment({{"SLURM_ARRAY_TASK_ID", "2"}}));
  ASSERT_TRUE(without_count);
  EXPECT_EQ(without_count->shard.index, 2);
  EXPECT_EQ(without_count->shard.count, 3);
  const EnvironmentLookup slurm =
      environment({{"SLURM_ARRAY_TASK_ID", "2"}, {"SLURM_ARRAY_TASK_COUNT", "4"}});
  EXPECT_EQ(choose_shard("", "4", slurm)->shard.count, 4);
  EXPECT_NE(user_error([&] {
              choose_shard("", "3", slurm);
            }).find("--shard-count 3 does not match SLURM_ARRAY_TASK_COUNT=4"),
            std::string::npos);
}

TEST(ShardChoice, TheFlagWinsOverTheEnvironmentAndNoneOptsOut) {
  const EnvironmentLookup slurm = environment({{"SLURM_ARRAY_TASK_ID", "3"},
                                               {"SLURM_ARRAY_TASK_MIN", "0"},
                                               {"SLURM_ARRAY_TASK_COUNT", "4"}});
  EXPECT_EQ(choose_shard("1/2", "", slurm)->shard.index, 1);
  EXPECT_FALSE(choose_shard("none", "", slurm));
  EXPECT_NE(user_error([&] { choose_shard("none", "4", slurm); }).find("--shard none"),
            std::string::npos);
}

TEST(ShardChoice, KubernetesIndexedJobNeedsTheCount) {
  const EnvironmentLookup job = environment({{"JOB_COMPLETION_INDEX", "3"}});
  const auto choice = choose_shard("", "5", job);
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->shard.index, 3);
  EXPECT_EQ(choice->shard.count, 5);
  EXPECT_NE(user_error([&] { choose_shard("", "", job); }).find("--shard-count"),
            std::string::npos);
  EXPECT_NE(user_error([&] { choose_shard("", "3", job); }).find("JOB_COMPLETION_INDEX=3"),
            std::string::npos);
}

}  // namespace
}  // namespace nsrg
