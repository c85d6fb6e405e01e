// Output checks: same-file detection by device and inode, and writable folders.
#include "engine/core/output_location.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "engine/core/error.h"

namespace nsrg {

void InputFiles::add(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0) files_.push_back({{info.st_dev, info.st_ino}, path});
}

const std::string* InputFiles::same_file_as(const std::string& output) const {
  // The path the write will reach: it creates missing folders first, so "new/../in.png"
  // is "in.png" (the existing part is resolved, symbolic links included).
  std::error_code error;
  const std::string reached = std::filesystem::weakly_canonical(output, error).string();
  struct stat info {};
  if (::stat(error ? output.c_str() : reached.c_str(), &info) != 0) return nullptr;
  for (const auto& [identity, path] : files_)
    if (identity.first == info.st_dev && identity.second == info.st_ino) return &path;
  return nullptr;
}

void require_not_an_input(const std::string& what, const std::string& output,
                          const InputFiles& inputs) {
  if (const std::string* input = inputs.same_file_as(output))
    throw UserError(msg(what, ": ", output, " is the input file ", *input,
                        "; writing it would destroy the input (choose another output path)"));
}

void require_writable_location(const std::string& what, const std::string& path) {
  namespace fs = std::filesystem;
  const auto fail = [&](const std::string& reason) {
    throw UserError(msg(what, ": cannot write ", path, ": ", reason));
  };
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) fail("it is a folder");
  // The nearest existing ancestor: the folder the file (or its missing folders) goes into.
  fs::path folder = fs::path(path).parent_path();
  while (true) {
    const std::string text = folder.empty() ? "." : folder.string();
    if (::stat(text.c_str(), &info) == 0) {
      if (!S_ISDIR(info.st_mode)) fail(msg(text, " is not a folder"));
      if (::access(text.c_str(), W_OK | X_OK) != 0)
        fail(msg("the folder ", text, " is not writable (", std::strerror(errno), ")"));
      return;
    }
    if (folder.empty() || folder == folder.parent_path()) fail("no existing folder on its path");
    folder = folder.parent_path();
  }
}

void require_weights_output(const std::string& tool, const std::string& output,
                            const InputFiles& inputs) {
  if (output.empty()) throw UserError(tool + ": no output path given (-o)");
  if (std::filesystem::path(output).extension() != ".safetensors")
    throw UserError(msg(output, ": the output must end in .safetensors (nsrg-engine weights)"));
  require_not_an_input(tool + " -o", output, inputs);
  require_writable_location(tool + " -o", output);
}

}  // namespace nsrg
