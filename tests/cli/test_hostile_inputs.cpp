// Regression tests of issue 10 through the command line: hostile configs and overrides
// (deep dotted keys, text that is not UTF-8, absurd thread counts) and outputs that would
// replace an input or cannot be written. Each ends with exit status 2 and one line naming
// the file or key, before any work: no input changes and no output file appears.
#include <unistd.h>

#include <string>

#include "cli_test_support.h"

namespace {

using namespace nsrg_cli_test;

class HostileInputTest : public CliTest {
 protected:
  // Copies the example content image into the test folder (so an output can collide with
  // it) and returns a config rendering it.
  fs::path config_with_local_content(const std::string& extra = "") {
    fs::copy_file(fs::path(NSRG_SOURCE_DIR) / "examples/images/chelsea.png", dir_ / "c.png");
    content_bytes_ = read_file(dir_ / "c.png");
    std::string body = valid_config(extra);
    const std::string from = std::string(NSRG_SOURCE_DIR) + "/examples/images/chelsea.png";
    body.replace(body.find(from), from.size(), "c.png");
    return write_config(body);
  }

  // Exit status 2, one line on stderr holding every `parts`, the content image unchanged and
  // no image or summary written anywhere in the folder.
  void expect_refused(const Result& r, std::initializer_list<const char*> parts) {
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_EQ(line_count(r.err), 1) << r.err;
    EXPECT_LT(r.err.size(), 600u) << "the message should quote, not paste";
    for (const char* part : parts) EXPECT_NE(r.err.find(part), std::string::npos) << r.err;
    if (!content_bytes_.empty()) {
      EXPECT_EQ(read_file(dir_ / "c.png"), content_bytes_);
    }
    for (const auto& entry : fs::recursive_directory_iterator(dir_)) {
      const std::string name = entry.path().filename().string();
      EXPECT_TRUE(name == "c.png" || name == "config.toml" || name == "stdout.txt" ||
                  name == "stderr.txt" || entry.is_directory() || name == "file" ||
                  name == "hard.png" || name == "c_2.png")
          << "unexpected output " << entry.path();
    }
  }

  static std::string dotted(size_t parts) {
    std::string key = "x";
    for (size_t i = 1; i < parts; ++i) key += ".x";
    return key;
  }

  std::string content_bytes_;
};

TEST_F(HostileInputTest, DottedTableHeaderOf50000Parts) {
  const fs::path config = write_config(valid_config("[" + dotted(50000) + "]\n"));
  expect_refused(run(config.string()), {"config.toml:", "more than 16 dotted parts"});
}

TEST_F(HostileInputTest, DottedKeyOf50000Parts) {
  const fs::path config = write_config(valid_config(dotted(50000) + " = 1\n"));
  expect_refused(run(config.string()), {"config.toml:", "more than 16 dotted parts"});
}

TEST_F(HostileInputTest, DottedKeysInsideStringsAndCommentsAreText) {
  const std::string dots = dotted(40);
  const fs::path config =
      write_config(valid_config("# " + dots + "\n") + "[loss]\ntv_weight = 0.5 # " + dots + "\n");
  const Result r = run(config.string() + " --set 'output.path=\"" + dots + ".png\"'");
  EXPECT_EQ(r.status, 0) << r.err;
}

TEST_F(HostileInputTest, SetKeyOf50000Parts) {
  const fs::path config = write_config(valid_config());
  expect_refused(run(config.string() + " --set " + dotted(50000) + "=1"),
                 {"--set x.x.x", "50000 parts (at most 16)"});
}

TEST_F(HostileInputTest, SetValueWithDeepInlineKey) {
  const fs::path config = write_config(valid_config());
  expect_refused(run(config.string() + " --set 'loss.tv_weight={" + dotted(50000) + "=1}'"),
                 {"--set loss.tv_weight", "more than 16 dotted parts"});
}

TEST_F(HostileInputTest, SetValueNotUtf8) {
  const fs::path config = write_config(valid_config());
  expect_refused(run(config.string() + " --set 'output.path=\"o\xff.png\"'"),
                 {"--set output.path", "not valid UTF-8"});
}

TEST_F(HostileInputTest, ThreadsCappedByTheHardware) {
  const fs::path config = write_config("threads = 100000\n" + valid_config());
  expect_refused(run(config.string()), {"config.toml: threads: must be <= ", "(got 100000)"});
}

TEST_F(HostileInputTest, ImageTooSmallForTheDeepestLayer) {
  // 16 px is a valid image_size, but the 3:2 content image is then 16x11 and the fourth
  // pooling layer (before relu5_1) gets less than its 2x2 window.
  const fs::path config = write_config(valid_config());
  expect_refused(run(config.string() + " --set image_size=16"),
                 {"an image of 16x11 px is too small for layer pool4", "raise image_size"});
}

TEST_F(HostileInputTest, OutputIsTheContentImage) {
  const fs::path config = config_with_local_content();
  expect_refused(run(config.string() + " --set output.path=\\\"c.png\\\""),
                 {"config.toml: output.path (image):", "is the input file", "c.png"});
}

TEST_F(HostileInputTest, OutputIsAHardLinkToTheContentImage) {
  const fs::path config = config_with_local_content();
  fs::create_hard_link(dir_ / "c.png", dir_ / "hard.png");
  expect_refused(run(config.string() + " --set output.path=\\\"./out/../hard.png\\\""),
                 {"hard.png is the input file", "c.png"});
  EXPECT_EQ(read_file(dir_ / "hard.png"), content_bytes_);
}

TEST_F(HostileInputTest, OutputIsTheStyleImage) {
  const fs::path config = config_with_local_content();
  expect_refused(
      run(config.string() + " --set 'style.images=[\"c.png\"]' --set " + "'content.image=\"" +
          NSRG_SOURCE_DIR + "/examples/images/brick.png\"'" + " --set output.path=\\\"c.png\\\""),
      {"is the input file"});
}

TEST_F(HostileInputTest, IntermediateSaveIsTheContentImage) {
  fs::copy_file(fs::path(NSRG_SOURCE_DIR) / "examples/images/chelsea.png", dir_ / "c_2.png");
  const std::string before = read_file(dir_ / "c_2.png");
  const fs::path config = config_with_local_content("save_iter = 2\n");
  expect_refused(run(config.string() + " --set optimizer.iterations=3 --set " +
                     "content.image=\\\"c_2.png\\\" --set output.path=\\\"c.png\\\""),
                 {"output.path (", "is the input file"});
  EXPECT_EQ(read_file(dir_ / "c_2.png"), before);
}

TEST_F(HostileInputTest, OutputUnderARegularFile) {
  std::ofstream(dir_ / "file") << "not a folder";
  const fs::path config = write_config(valid_config());
  expect_refused(run(config.string() + " --set output.path=\\\"file/sub/x.png\\\""),
                 {"output.path (image): cannot write", "file is not a folder"});
}

TEST_F(HostileInputTest, SummaryPathIsAFolder) {
  fs::create_directories(dir_ / "out/x.json");
  const fs::path config = write_config(valid_config());
  expect_refused(run(config.string()), {"output.path (summary): cannot write", "it is a folder"});
}

TEST_F(HostileInputTest, ContactSheetPathIsAFolder) {
  fs::create_directories(dir_ / "out/x_sheet.png");
  const fs::path config = write_config(valid_config());
  expect_refused(run(config.string() + " --variants 2"),
                 {"output.path (contact sheet): cannot write", "it is a folder"});
}

TEST_F(HostileInputTest, OutputInAReadOnlyFolder) {
  if (::geteuid() == 0)
    GTEST_SKIP() << "running as root, which may write into a read-only folder (the check "
                    "uses access(2), so root's render would succeed too)";
  fs::create_directories(dir_ / "ro");
  fs::permissions(dir_ / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  const fs::path config = write_config(valid_config());
  const Result r = run(config.string() + " --set output.path=\\\"ro/x.png\\\"");
  fs::permissions(dir_ / "ro", fs::perms::owner_all);
  expect_refused(r, {"output.path (image): cannot write", "is not writable"});
}

}  // namespace
