// Atomic file output through a temporary file and rename(2).
#include "engine/core/atomic_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "engine/core/error.h"

namespace nsrg {

void write_file_atomically(const std::string& path, const std::function<void(std::FILE*)>& write) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  if (ec) throw UserError(msg(path, ": cannot create folder: ", ec.message()));

  std::string temp = path + ".tmp-XXXXXX";
  const int fd = mkstemp(temp.data());
  if (fd < 0) throw UserError(msg(path, ": cannot create temporary file: ", std::strerror(errno)));
  std::FILE* file = fdopen(fd, "wb");
  if (file == nullptr) {
    ::close(fd);
    std::remove(temp.c_str());
    throw UserError(msg(path, ": cannot open temporary file: ", std::strerror(errno)));
  }
  try {
    write(file);
    if (std::fflush(file) != 0 || ::fsync(fileno(file)) != 0 || std::ferror(file))
      throw UserError(msg(path, ": write failed: ", std::strerror(errno)));
  } catch (...) {
    std::fclose(file);
    std::remove(temp.c_str());
    throw;
  }
  if (std::fclose(file) != 0) {
    std::remove(temp.c_str());
    throw UserError(msg(path, ": write failed: ", std::strerror(errno)));
  }
  // mkstemp creates 0600; give the result the usual permissions.
  fs::permissions(temp,
                  fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                      fs::perms::others_read,
                  ec);
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    std::remove(temp.c_str());
    throw UserError(msg(path, ": cannot rename temporary file: ", std::strerror(saved)));
  }
}

void write_bytes_atomically(const std::string& path, const std::string& bytes) {
  write_file_atomically(path, [&](std::FILE* file) {
    if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), file) != bytes.size())
      throw UserError(msg(path, ": write failed: ", std::strerror(errno)));
  });
}

}  // namespace nsrg
