// Test helpers for the config suite: a temporary folder holding a config file and dummy
// image files (the loader only checks that input files exist), a check for the one-line
// UserError messages, and a small kept style file.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/core/error.h"
#include "weights/style_targets_file.h"

namespace nsrg::testing {

class ConfigFolder {
 public:
  ConfigFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "nsrg_config_XXXXXX").string();
    char* made = mkdtemp(pattern.data());
    if (!made) throw std::runtime_error("mkdtemp failed");
    root_ = made;
    write("content.png", "not really a png");
    write("style_a.png", "dummy");
    write("style_b.jpg", "dummy");
  }
  ~ConfigFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  ConfigFolder(const ConfigFolder&) = delete;
  ConfigFolder& operator=(const ConfigFolder&) = delete;

  const std::filesystem::path& root() const { return root_; }
  std::string path(const std::string& relative) const { return (root_ / relative).string(); }

  // Writes `text` to root/relative (creating folders) and returns the absolute path.
  std::string write(const std::string& relative, const std::string& text) const {
    std::filesystem::path file = root_ / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
    return file.string();
  }

  // The smallest valid config: `top_level` keys, the content and style images, then
  // `sections` (more TOML tables).
  std::string write_config(const std::string& sections, const std::string& top_level = "",
                           const std::string& name = "render.toml") const {
    return write(name, top_level + "\n[content]\nimage = \"content.png\"\n" +
                           "[style]\nimages = [\"style_a.png\"]\n" + sections);
  }

 private:
  std::filesystem::path root_;
};

// Runs `load`, expects a UserError of one line that contains every part of `expected`, and
// returns its message.
inline std::string expect_user_error(const std::function<void()>& load,
                                     const std::vector<std::string>& expected) {
  try {
    load();
  } catch (const UserError& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    for (const std::string& part : expected)
      EXPECT_NE(message.find(part), std::string::npos) << "'" << part << "' not in: " << message;
    return message;
  }
  ADD_FAILURE() << "no UserError thrown";
  return "";
}

// A kept style `name` in `folder` of 2x2 Grams (all ones) for `layers`, made with `model`,
// levels `levels`; its path.
inline std::string write_kept_style(const ConfigFolder& folder, const std::string& name,
                                    const std::vector<std::string>& layers,
                                    const std::string& model = "builtin:vgg19-random",
                                    const std::string& levels = "clamp") {
  StyleTargetsInfo info;
  info.model = model;
  info.layers = layers;
  info.variant = "a";
  info.image_size = 64;
  info.levels = levels;
  const std::vector<float> gram(4, 1.0f);
  std::vector<TensorView> views;
  for (size_t i = 0; i < layers.size(); ++i) views.push_back({"", {2, 2}, gram.data()});
  const std::string path = folder.path(name);
  write_style_targets(path, info, views);
  return path;
}

}  // namespace nsrg::testing
