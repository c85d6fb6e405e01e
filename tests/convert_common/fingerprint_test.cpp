// fingerprint_file (tools/convert_common): the size and SHA-256 of a whole file, read through
// the hashing reader, against the NIST example digests and sha256_hex of the same bytes; and
// the one-line errors for a missing file and a folder.
#include <gtest/gtest.h>

#include <string>

#include "tests/weights/weights_test_util.h"
#include "tools/convert_common/hashing_file_reader.h"
#include "weights/sha256.h"

namespace nsrg {
namespace {

using test::contains;
using test::TempDir;
using test::user_error_of;
using test::write_bytes;

TEST(FingerprintFile, EmptyFileAndKnownDigest) {
  TempDir dir;
  write_bytes(dir.file("empty"), "");
  write_bytes(dir.file("abc"), "abc");
  const FileFingerprint empty = fingerprint_file(dir.file("empty"));
  EXPECT_EQ(empty.size, 0u);
  EXPECT_EQ(empty.sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const FileFingerprint abc = fingerprint_file(dir.file("abc"));
  EXPECT_EQ(abc.size, 3u);
  EXPECT_EQ(abc.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(FingerprintFile, FileLargerThanOneReadMatchesTheOneShotHash) {
  // 2.5 MiB: more than the 1 MiB read buffer, and not a multiple of it.
  std::string bytes(size_t(5) << 19, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = char((i * 131 + 7) & 0xff);
  TempDir dir;
  write_bytes(dir.file("large"), bytes);
  const FileFingerprint large = fingerprint_file(dir.file("large"));
  EXPECT_EQ(large.size, bytes.size());
  EXPECT_EQ(large.sha256, sha256_hex(bytes));
}

TEST(FingerprintFile, MissingFileAndFolderAreUserErrorsNamingThePath) {
  TempDir dir;
  const std::string missing = user_error_of([&] { fingerprint_file(dir.file("missing.pth")); });
  EXPECT_TRUE(contains(missing, dir.file("missing.pth") + ": cannot open")) << missing;
  const std::string folder = user_error_of([&] { fingerprint_file(dir.path().string()); });
  EXPECT_TRUE(contains(folder, dir.path().string() + ": not a regular file")) << folder;
}

}  // namespace
}  // namespace nsrg
