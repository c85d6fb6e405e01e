// missing_file_hint: the obvious fix for a missing input file, for the one-line message.
#include "engine/config/missing_file_hint.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <vector>

#include "engine/core/shell_quote.h"

namespace nsrg::config_detail {
namespace {

namespace fs = std::filesystem;

// The weights files tools/download_models.sh makes, and what it downloads for each (the
// script pins the VGG-19 Caffe model's size, 574,671,192 bytes; tests/config checks this
// figure against it).
struct DownloadableModel {
  const char* file_name;
  const char* argument;
  const char* download;
};
const DownloadableModel kDownloadableModels[] = {
    {"vgg19.safetensors", "vgg19", "a 575 MB download"},
    {"vgg16.safetensors", "vgg16", "a download of about 550 MB"},
};

const char* const kRenderNowHint =
    "render now with the built-in random-weight VGG-19 (no download; colours and fine "
    "texture, no painted strokes): --set model=\\\"builtin:vgg19-random\\\"";

// Directory entries read at most when looking for a similar name (a folder of any size
// answers at once).
constexpr int kMaxEntriesScanned = 10000;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool is_image_extension(const std::string& extension) {
  const std::string e = lower(extension);
  return e == ".png" || e == ".jpg" || e == ".jpeg";
}

bool is_file(const fs::path& path) {
  std::error_code error;
  return fs::is_regular_file(path, error);
}

// `path` as the user can type it from the current folder: relative when it lies below it.
std::string as_typed_here(const fs::path& path) {
  std::error_code error;
  const fs::path here = fs::current_path(error);
  if (error) return path.string();
  const fs::path relative = path.lexically_relative(here);
  if (relative.empty() || *relative.begin() == "..") return path.string();
  return relative.string();
}

// The same relative path from the current folder instead of the config file's folder.
std::string current_folder_hint(const std::string& config_file, const fs::path& missing) {
  std::error_code error;
  const fs::path here = fs::current_path(error);
  const fs::path config_folder = fs::path(config_file).parent_path();
  if (error || here == config_folder) return "";
  const fs::path relative = missing.lexically_relative(config_folder);
  if (relative.empty() || relative.is_absolute()) return "";
  const fs::path candidate = (here / relative).lexically_normal();
  if (!is_file(candidate)) return "";
  return "; paths in a config are relative to its folder (" + config_folder.string() +
         "), and the current folder has " + candidate.string() + ": give that path";
}

// The command of tools/download_models.sh that makes `missing`, when it is one of its files.
std::string download_hint(const fs::path& missing) {
  const std::string name = missing.filename().string();
  const auto* model = std::find_if(std::begin(kDownloadableModels), std::end(kDownloadableModels),
                                   [&](const DownloadableModel& m) { return name == m.file_name; });
  if (model == std::end(kDownloadableModels)) return "";
  // weights/ of a checkout: the script there writes into it by default.
  const fs::path folder = missing.parent_path();
  const fs::path script = folder.parent_path() / "tools" / "download_models.sh";
  const bool in_checkout = folder.filename() == "weights" && is_file(script);
  const std::string command =
      in_checkout ? "bash " + shell_quote(as_typed_here(script)) + " " + model->argument
                  : std::string("bash tools/download_models.sh ") + model->argument + " --dir " +
                        shell_quote(folder.string());
  return "; get it with \"" + command + "\"" + (in_checkout ? "" : " in an nsrg-engine checkout") +
         " (" + model->download + "), or " + kRenderNowHint;
}

// Image files in the missing file's folder whose names differ from it only in case or in
// the image extension ("cat.png" for "cat.jpg", "Cat.PNG" for "cat.png"), sorted.
std::vector<std::string> similar_image_names(const fs::path& missing) {
  std::vector<std::string> names;
  const std::string stem = lower(missing.stem().string());
  std::error_code error;
  fs::directory_iterator entry(missing.parent_path(), error);
  for (int scanned = 0; !error && entry != fs::directory_iterator() && scanned < kMaxEntriesScanned;
       entry.increment(error), ++scanned) {
    const fs::path name = entry->path().filename();
    if (lower(name.stem().string()) == stem && is_image_extension(name.extension().string()) &&
        is_file(entry->path()))
      names.push_back(name.string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string similar_image_hint(const fs::path& missing) {
  if (!is_image_extension(missing.extension().string())) return "";
  const std::vector<std::string> names = similar_image_names(missing);
  if (names.empty()) return "";
  std::string list;
  for (const std::string& name : names) list += (list.empty() ? "" : " or ") + name;
  return "; that folder has " + list;
}

bool is_image_key(const std::string& key) {
  return key == "content.image" || key == "init.image" || key.rfind("style.images[", 0) == 0;
}

}  // namespace

std::string missing_file_hint(const std::string& config_file, const std::string& key,
                              const std::string& path) {
  const fs::path missing = fs::path(path).lexically_normal();
  if (std::string hint = current_folder_hint(config_file, missing); !hint.empty()) return hint;
  if (key == "model") {
    const std::string hint = download_hint(missing);
    return hint.empty() ? std::string("; ") + kRenderNowHint : hint;
  }
  if (is_image_key(key)) return similar_image_hint(missing);
  if (key == "style.targets")
    return "; a render with output.save_targets = true writes one beside each image "
           "(NAME.style.safetensors beside NAME.png)";
  return "";
}

}  // namespace nsrg::config_detail
