// Helpers for end-to-end render tests: a scratch folder, a config written into it that
// points at the example images, and a quiet RenderSession run.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/core/error.h"
#include "engine/output/output_plan.h"
#include "engine/render/render_session.h"

namespace nsrg::testing {

inline std::filesystem::path make_scratch_dir(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("nsrg_test_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::string example_image(const std::string& file) {
  return std::string(NSRG_SOURCE_DIR) + "/examples/images/" + file;
}

// A small, fast render config (CPU, built-in model, examples/default.toml's loss settings)
// with `extra` TOML appended.
inline std::filesystem::path write_config(const std::filesystem::path& dir, int image_size,
                                          int iterations, const std::string& extra = "") {
  const std::filesystem::path path = dir / "config.toml";
  std::ofstream out(path);
  out << "backend = \"cpu\"\nseed = 7\nimage_size = " << image_size << "\n"
      << "[content]\nimage = \"" << example_image("chelsea.png") << "\"\n"
      << "layers = [\"relu3_1\"]\nweight = 60.0\n"
      << "[style]\nimages = [\"" << example_image("hubble_deep_field.jpg") << "\"]\n"
      << "[optimizer]\niterations = " << iterations << "\n"
      << "[output]\npath = \"out/render.png\"\nprint_iter = 10\nsave_iter = 0\n"
      << extra;
  return path;
}

// A config like write_config's, with a kept style instead of style images.
inline std::filesystem::path write_targets_config(const std::filesystem::path& dir,
                                                  const std::string& targets,
                                                  const std::string& extra) {
  const std::filesystem::path path = dir / "kept.toml";
  std::ofstream out(path);
  out << "backend = \"cpu\"\nseed = 7\nimage_size = 32\n"
      << "[content]\nimage = \"" << example_image("chelsea.png") << "\"\n"
      << "layers = [\"relu3_1\"]\nweight = 60.0\n"
      << "[style]\ntargets = \"" << targets << "\"\n"
      << "[init]\nkind = \"image\"\n[optimizer]\niterations = 6\n"
      << "[output]\npath = \"kept/out.png\"\nprint_iter = 10\nsave_iter = 0\n"
      << extra;
  return path;
}

inline std::vector<RenderedImage> render(const std::filesystem::path& config_path,
                                         const std::vector<std::string>& overrides = {}) {
  std::ostringstream log;
  RenderSession session(load_config(config_path.string(), overrides), log);
  session.run();
  return session.images();
}

// The kept styles of `variants` scale_eigenvectors variants (a, b, ...) of write_config's
// family at 32 px (relu2_1 and relu3_1, 4 Adam steps from the content image), written under
// dir/v; their paths, in variant order.
inline std::vector<std::string> keep_family_styles(const std::filesystem::path& dir, int variants) {
  const std::filesystem::path family = write_config(
      dir, 32, 4,
      "[randomize]\nmode = \"scale_eigenvectors\"\nvariants = " + std::to_string(variants) + "\n");
  std::vector<std::string> files;
  for (const RenderedImage& image :
       render(family, {"style.layers=[\"relu2_1\", \"relu3_1\"]", "output.path=\"v/x.png\"",
                       "output.save_targets=true", "init.kind=\"image\""}))
    files.push_back(style_targets_path(image.path));
  return files;
}

// The UserError a render of `config_path` stops with ("" when it renders).
inline std::string render_user_error(const std::filesystem::path& config_path,
                                     const std::vector<std::string>& overrides = {}) {
  try {
    render(config_path, overrides);
  } catch (const UserError& error) {
    return error.what();
  }
  return "";
}

}  // namespace nsrg::testing
