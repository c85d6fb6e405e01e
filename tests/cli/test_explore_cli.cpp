// `nsrg-engine explore` on the command line: its mistakes end as a render's do (one line,
// exit status 2, nothing served, no session folder made), --host off loopback needs
// --allow-remote, and the render's own options are still refused where they do not belong.
#include "tests/cli/cli_test_support.h"

namespace nsrg_cli_test {
namespace {

class ExploreCli : public CliTest {};

TEST_F(ExploreCli, AHostOffLoopbackWithoutAllowRemoteIsOneLineAndStatus2) {
  const fs::path config = write_config(valid_config());
  const Result r = run("explore " + config.string() + " --host 0.0.0.0");
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("--allow-remote"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_FALSE(fs::exists(dir_ / "out" / "explore"));
}

TEST_F(ExploreCli, ABadConfigOrKeyIsOneLineAndStatus2) {
  const fs::path config = write_config(valid_config("[explore]\npreview_size = 2\n"));
  Result r = run("explore " + config.string());
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("explore.preview_size"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "out" / "explore"));
  r = run("explore " + (dir_ / "absent.toml").string());
  EXPECT_EQ(r.status, 2) << r.err;
  r = run("explore " + write_config(valid_config()).string() + " --port 0");
  EXPECT_EQ(r.status, 2) << r.err;  // --port is 1..65535 (leave it out for a free port)
  r = run("explore " + write_config(valid_config()).string() + " --variants 3");
  EXPECT_EQ(r.status, 2) << r.err;  // a render's option, not explore's
}

}  // namespace
}  // namespace nsrg_cli_test
