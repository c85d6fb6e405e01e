// The nsrg-engine command-line test fixture: a fresh folder per test, a runner that captures
// the exit status, stdout and stderr, and a small valid config to start from.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace nsrg_cli_test {

namespace fs = std::filesystem;

struct Result {
  int status = -1;
  std::string out, err;
};

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("nsrg_cli_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
            std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // nsrg-engine ARGS (words for the shell), run in `working_folder` when one is given.
  Result run(const std::string& args, const fs::path& working_folder = {}) {
    const fs::path out = dir_ / "stdout.txt", err = dir_ / "stderr.txt";
    const std::string cd = working_folder.empty() ? "" : "cd '" + working_folder.string() + "' && ";
    const std::string command = cd + std::string(NSRG_BINARY_DIR) + "/nsrg-engine " + args + " >" +
                                out.string() + " 2>" + err.string();
    const int raw = std::system(command.c_str());
    Result r;
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    r.out = read_file(out);
    r.err = read_file(err);
    return r;
  }

  fs::path write_config(const std::string& body) {
    const fs::path path = dir_ / "config.toml";
    std::ofstream(path) << body;
    return path;
  }

  std::string valid_config(const std::string& extra = "") {
    const std::string images = std::string(NSRG_SOURCE_DIR) + "/examples/images/";
    return "backend = \"cpu\"\nimage_size = 32\n[content]\nimage = \"" + images +
           "chelsea.png\"\n[style]\nimages = [\"" + images +
           "brick.png\"]\n[optimizer]\niterations = 2\n[output]\npath = \"out/x.png\"\n" + extra;
  }

  static int line_count(const std::string& text) {
    int lines = 0;
    for (char c : text) lines += c == '\n';
    return lines;
  }

  fs::path dir_;
};

}  // namespace nsrg_cli_test
