// The nsrg-engine command line: help and version, and the one-line errors with exit status
// 2 for bad configs, overrides, images and layer names (nothing written); Ctrl-C saves the
// current image and exits with 130.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "cli_test_support.h"

namespace {

using namespace nsrg_cli_test;

TEST_F(CliTest, HelpAndVersion) {
  Result r = run("--help");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("--set"), std::string::npos);
  EXPECT_NE(r.out.find("--backend"), std::string::npos);
  r = run("--version");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("nsrg-engine"), std::string::npos);
}

TEST_F(CliTest, MissingConfigFile) {
  const Result r = run((dir_ / "nope.toml").string());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("nope.toml"), std::string::npos) << r.err;
}

TEST_F(CliTest, UnknownKeyNamesFileAndKey) {
  const fs::path config = write_config(valid_config("[loss]\ntv_wieght = 1.0\n"));
  const Result r = run(config.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("config.toml"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("loss.tv_wieght"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

TEST_F(CliTest, WrongTypeAndRange) {
  fs::path config = write_config(valid_config("[loss]\ntv_weight = \"big\"\n"));
  Result r = run(config.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("loss.tv_weight"), std::string::npos) << r.err;
  config = write_config(valid_config());
  r = run(config.string() + " --set optimizer.iterations=0");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("optimizer.iterations"), std::string::npos) << r.err;
}

TEST_F(CliTest, MalformedSet) {
  const fs::path config = write_config(valid_config());
  const Result r = run(config.string() + " --set nonsense");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("nonsense"), std::string::npos) << r.err;
}

TEST_F(CliTest, MissingImageNamesFile) {
  fs::path config = write_config(valid_config());
  const Result r = run(config.string() + " --set content.image=\\\"missing.png\\\"");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("missing.png"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

TEST_F(CliTest, CorruptImageNamesFile) {
  std::ofstream(dir_ / "broken.png") << "\x89PNG\r\n\x1a\nthis is not a png";
  const fs::path config = write_config(valid_config());
  const Result r = run(config.string() + " --set 'style.images=[\"broken.png\"]'");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("broken.png"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "out/x.png"));
}

TEST_F(CliTest, UnknownLayerNamesLayer) {
  const fs::path config = write_config(valid_config());
  const Result r = run(config.string() + " --set 'style.layers=[\"relu9_9\"]'");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("relu9_9"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "out/x.png"));
}

TEST_F(CliTest, CudaWithoutDeviceIsAUserError) {
  if (fs::exists("/dev/nvidia0")) GTEST_SKIP() << "a CUDA device is present";
  const fs::path config = write_config(valid_config());
  const Result r = run(config.string() + " --backend cuda");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("cuda"), std::string::npos) << r.err;
}

TEST_F(CliTest, RendersAndWritesSummary) {
  const fs::path config = write_config(valid_config());
  const Result r = run(config.string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir_ / "out/x.png"));
  EXPECT_TRUE(fs::exists(dir_ / "out/x.json"));
  EXPECT_NE(r.out.find("iter"), std::string::npos);
}

TEST_F(CliTest, InterruptSavesCurrentImage) {
  const fs::path config = write_config(valid_config());
  const fs::path out = dir_ / "stdout.txt";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const std::string binary = std::string(NSRG_BINARY_DIR) + "/nsrg-engine";
    std::freopen(out.c_str(), "w", stdout);
    std::freopen((dir_ / "stderr.txt").c_str(), "w", stderr);
    execl(binary.c_str(), binary.c_str(), config.c_str(), "--set", "optimizer.iterations=100000",
          "--set", "output.print_iter=1", static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait until the render loop runs, then press Ctrl-C.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (read_file(out).find("iter ") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  kill(pid, SIGINT);
  int raw = 0;
  waitpid(pid, &raw, 0);
  ASSERT_TRUE(WIFEXITED(raw)) << "killed by signal " << (WIFSIGNALED(raw) ? WTERMSIG(raw) : 0)
                              << "; stderr: " << read_file(dir_ / "stderr.txt");
  EXPECT_EQ(WEXITSTATUS(raw), 130) << read_file(dir_ / "stderr.txt");
  EXPECT_TRUE(fs::exists(dir_ / "out/x.png"));
  const std::string summary = read_file(dir_ / "out/x.json");
  EXPECT_NE(summary.find("\"interrupted\": true"), std::string::npos);
}

}  // namespace
