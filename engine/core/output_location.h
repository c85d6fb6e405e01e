// Checks made on every output file before any work: it is not one of the inputs (same
// device and inode, however the path is spelled) and its folder can be written.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

namespace nsrg {

// The existing input files of a run, by device and inode.
class InputFiles {
 public:
  // Remembers `path` when it exists (a missing input is reported by whoever reads it).
  void add(const std::string& path);
  // The input that `output` would overwrite (the same file), or nullptr.
  const std::string* same_file_as(const std::string& output) const;

 private:
  std::vector<std::pair<std::pair<dev_t, ino_t>, std::string>> files_;
};

// Throws UserError("<what>: <output> is the input file <input>; ...") when `output` is one
// of `inputs`.
void require_not_an_input(const std::string& what, const std::string& output,
                          const InputFiles& inputs);

// Throws UserError("<what>: cannot write <path>: <reason>") unless `path` can be created or
// replaced: it is not a folder, and the nearest existing folder on its way is a folder (not
// a regular file) that this process may write (access(2), so root passes as its write would).
void require_writable_location(const std::string& what, const std::string& path);

// The checks of a converter's `-o` (`tool` names the converter in messages): given, ends in
// .safetensors, is none of `inputs`, and its folder can be written. UserError otherwise.
void require_weights_output(const std::string& tool, const std::string& output,
                            const InputFiles& inputs);

}  // namespace nsrg
