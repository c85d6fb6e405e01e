// HashingFileReader: POSIX reads of a whole file, hashed on the way through; fingerprint_file.
#include "tools/convert_common/hashing_file_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "engine/core/error.h"

namespace nsrg {

HashingFileReader::HashingFileReader(const std::string& path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw UserError(msg(path, ": cannot open: ", std::strerror(errno)));
  struct stat info {};
  if (::fstat(fd_, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd_);
    fd_ = -1;
    throw UserError(msg(path, ": not a regular file"));
  }
  file_size_ = uint64_t(info.st_size);
}

HashingFileReader::~HashingFileReader() {
  if (fd_ >= 0) ::close(fd_);
}

int HashingFileReader::read(void* buffer, int size) {
  ssize_t got;
  do {
    got = ::read(fd_, buffer, size_t(size));
  } while (got < 0 && errno == EINTR);
  if (got < 0) {
    read_error_ = std::strerror(errno);
    return -1;
  }
  hash_.update(buffer, size_t(got));
  bytes_read_ += uint64_t(got);
  return int(got);
}

FileFingerprint fingerprint_file(const std::string& path) {
  HashingFileReader file(path);
  std::vector<char> buffer(size_t(1) << 20);
  for (;;) {
    const int got = file.read(buffer.data(), int(buffer.size()));
    if (got < 0) throw UserError(msg(path, ": read error: ", file.read_error()));
    if (got == 0) break;
  }
  return FileFingerprint{file.bytes_read(), file.finish_sha256()};
}

}  // namespace nsrg
