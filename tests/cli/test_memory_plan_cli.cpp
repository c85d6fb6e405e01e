// The memory plan at the command line: printed among the start-up lines, and a render that
// will not fit stops before the first iteration with one line and exit status 2.
#include "tests/cli/cli_test_support.h"

namespace nsrg_cli_test {
namespace {

using MemoryPlanCli = CliTest;

TEST_F(MemoryPlanCli, ThePlanIsPrintedBeforeTheFirstIteration) {
  const Result r = run(write_config(valid_config()).string());
  ASSERT_EQ(r.status, 0) << r.err;
  const size_t plan = r.out.find("memory plan: ");
  ASSERT_NE(plan, std::string::npos) << r.out;
  EXPECT_LT(plan, r.out.find("iter 1/")) << r.out;
  EXPECT_NE(r.out.find("activations", plan), std::string::npos);
  EXPECT_NE(r.out.find("optimizer", plan), std::string::npos);
}

TEST_F(MemoryPlanCli, ARenderThatDoesNotFitStopsWithExitStatus2) {
  const Result r = run(write_config("memory_limit_mib = 1\n" + valid_config()).string());
  EXPECT_EQ(r.status, 2) << r.out << r.err;
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  for (const char* part :
       {"memory plan", "MiB", "memory_limit_mib", "image_size", "optimizer.history", "adam"})
    EXPECT_NE(r.err.find(part), std::string::npos) << part << " not in: " << r.err;
  EXPECT_EQ(r.out.find("iter 1/"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir_ / "out/x.png"));
}

}  // namespace
}  // namespace nsrg_cli_test
