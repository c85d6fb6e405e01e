// rerender_command: one image of a run as its own command line.
#include "engine/output/rerender_command.h"

#include <filesystem>

#include "engine/core/enum_names.h"
#include "engine/image/image.h"
#include "engine/output/output_names.h"

namespace nsrg {
namespace {

namespace fs = std::filesystem;

std::string toml_string(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

std::string toml_strings(const std::vector<std::string>& items) {
  std::string text = "[";
  for (size_t i = 0; i < items.size(); ++i) text += (i ? ", " : "") + toml_string(items[i]);
  return text + "]";
}

// `path` relative to `base` when it lies below it, else as it is.
std::string relative_below(const std::string& path, const std::string& base) {
  const fs::path relative = fs::path(path).lexically_relative(base);
  if (relative.empty() || *relative.begin() == "..") return path;
  return relative.string();
}

// This program as the user can call it from `working_folder`: ./build/nsrg-engine when the
// running nsrg-engine lies below it, else its absolute path; "nsrg-engine" when another
// program (a test) renders.
std::string engine_program(const std::string& working_folder) {
  std::error_code error;
  const fs::path self = fs::read_symlink("/proc/self/exe", error);
  if (error || self.filename() != "nsrg-engine") return "nsrg-engine";
  const std::string below = relative_below(self.string(), working_folder);
  return below == self.string() ? below : "./" + below;
}

}  // namespace

std::string rerender_command(const RenderConfig& config, const std::vector<std::string>& layers,
                             uint64_t seed, bool reference, const std::string& output_path,
                             const std::string& working_folder) {
  std::string command = shell_quote(engine_program(working_folder)) + " " +
                        shell_quote(relative_below(config.config_path, working_folder));
  const auto set = [&](const std::string& assignment) {
    command += " --set " + shell_quote(assignment);
  };
  for (const std::string& assignment : config.overrides) set(assignment);
  command += " --seed " + std::to_string(seed) + " --variants 1";
  if (!config.sweep_style_layers.empty()) set("sweep.style_layers=[]");
  if (layers != config.style_layers) set("style.layers=" + toml_strings(layers));
  if (reference) {
    set("randomize.mode=\"none\"");
    if (!config.randomize_layers.empty()) set("randomize.layers={}");
    set("output.levels=" + toml_string(name_in(kLevelsModeNames, config.levels)));
  }
  const std::string config_folder = fs::path(config.config_path).parent_path().string();
  set("output.path=" + toml_string(relative_below(output_path, config_folder)));
  return command;
}

}  // namespace nsrg
