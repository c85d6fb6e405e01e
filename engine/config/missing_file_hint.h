// What to tell a user whose config names an input file that is not there: the obvious fix,
// when there is one, for the end of the config loader's one-line "file not found" message.
#pragma once

#include <string>

namespace nsrg::config_detail {

// "; <the fix>" for the missing input file `path` of `key` (a dotted key of the config file
// `config_file`), or "" when no obvious fix is known:
//  - a file of that name relative to the current folder (paths in a config are relative to
//    the config file's folder): its path;
//  - model: the command of tools/download_models.sh that makes a file of that name (with
//    the download's size), and the built-in model that renders at once, without a download;
//  - an image: a file in the same folder whose name differs only in case or in the image
//    extension (.png, .jpg, .jpeg);
//  - style.targets: the setting that writes such a file.
std::string missing_file_hint(const std::string& config_file, const std::string& key,
                              const std::string& path);

}  // namespace nsrg::config_detail
