// Path handling for the config loader.
#include "engine/config/config_paths.h"

#include <algorithm>
#include <cctype>
#include <system_error>

#include "engine/config/missing_file_hint.h"
#include "engine/core/error.h"

namespace nsrg::config_detail {
namespace fs = std::filesystem;

std::string resolve_config_path(const ConfigErrors& errors, const std::string& key,
                                const fs::path& base_folder, const std::string& text) {
  if (text.empty()) errors.fail(key, "must not be empty");
  fs::path path(text);
  if (path.is_relative()) path = base_folder / path;
  return path.lexically_normal().string();
}

void require_input_file(const ConfigErrors& errors, const std::string& key,
                        const std::string& path) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (!fs::exists(status))
    errors.fail(key, msg("file not found: ", path, missing_file_hint(errors.file(), key, path)));
  if (fs::is_directory(status)) errors.fail(key, msg("is a folder, not a file: ", path));
}

void require_output_image_path(const ConfigErrors& errors, const std::string& key,
                               const std::string& path) {
  std::string extension = fs::path(path).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (extension != ".png" && extension != ".jpg" && extension != ".jpeg")
    errors.fail(key, msg("must end in .png, .jpg or .jpeg (got ", path, ")"));
  std::error_code error;
  if (fs::is_directory(path, error)) errors.fail(key, msg("is a folder: ", path));
}

}  // namespace nsrg::config_detail
