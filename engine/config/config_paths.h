// Path handling for the config loader: paths in a config are relative to the config
// file's folder; input files must exist.
#pragma once

#include <filesystem>
#include <string>

#include "engine/config/config_errors.h"

namespace nsrg::config_detail {

// `text` made absolute against `base_folder` and normalized; fails when it is empty.
std::string resolve_config_path(const ConfigErrors& errors, const std::string& key,
                                const std::filesystem::path& base_folder, const std::string& text);

// Fails with "<key>: file not found: <path>" and the obvious fix where there is one
// (missing_file_hint), or "is a folder", unless `path` is a file.
void require_input_file(const ConfigErrors& errors, const std::string& key,
                        const std::string& path);

// Fails unless `path` ends in .png, .jpg or .jpeg (any case) and is not a folder.
void require_output_image_path(const ConfigErrors& errors, const std::string& key,
                               const std::string& path);

}  // namespace nsrg::config_detail
