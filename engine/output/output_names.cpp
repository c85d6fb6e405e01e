// Output path templates and derived file names.
#include "engine/output/output_names.h"

#include <filesystem>
#include <regex>

namespace nsrg {

std::string variant_letters(int variant) {
  std::string letters;
  int n = variant;
  do {
    letters.insert(letters.begin(), char('a' + n % 26));
    n = n / 26 - 1;
  } while (n >= 0);
  return letters;
}

std::string short_layer_names(const std::vector<std::string>& layers) {
  static const std::regex pattern(R"(^(relu|conv)(\d+)_(\d+)$)");
  static const std::regex pool_pattern(R"(^pool(\d+)$)");
  std::string joined;
  for (const std::string& layer : layers) {
    std::smatch match;
    std::string name = layer;
    if (std::regex_match(layer, match, pattern)) {
      name = std::string(1, match[1].str()[0]) + match[2].str() + match[3].str();
    } else if (std::regex_match(layer, match, pool_pattern)) {
      name = "p" + match[1].str();
    }
    if (!joined.empty()) joined += "+";
    joined += name;
  }
  return joined;
}

namespace {
void insert_before_extension(std::string& path, const std::string& text) {
  const std::filesystem::path p(path);
  const std::string extension = p.extension().string();
  path = path.substr(0, path.size() - extension.size()) + text + extension;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (size_t pos = text.find(from); pos != std::string::npos;
       pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
}
}  // namespace

std::string frame_digits(int frame) {
  std::string digits = std::to_string(frame);
  if (digits.size() < 3) digits.insert(0, 3 - digits.size(), '0');
  return digits;
}

std::string complete_output_template(const std::string& path_template, bool several_variants,
                                     bool layer_sweep, bool path_frames) {
  std::string result = path_template;
  if (path_frames && result.find("{frame}") == std::string::npos)
    insert_before_extension(result, "-{frame}");
  const bool has_layer = result.find("{layer}") != std::string::npos;
  const bool has_variant = result.find("{variant}") != std::string::npos;
  if (layer_sweep && !has_layer) insert_before_extension(result, "-{layer}");
  if (several_variants && !has_variant)
    insert_before_extension(result, (layer_sweep && !has_layer) ? "{variant}" : "-{variant}");
  return result;
}

std::string expand_output_template(const std::string& path_template, const OutputFields& fields) {
  std::string result = path_template;
  replace_all(result, "{variant}", variant_letters(fields.variant));
  replace_all(result, "{seed}", std::to_string(fields.seed));
  replace_all(result, "{layer}", short_layer_names(fields.style_layers));
  replace_all(result, "{mode}", fields.mode);
  if (fields.frame >= 0) replace_all(result, "{frame}", frame_digits(fields.frame));
  return result;
}

std::string run_base_path(const std::string& path_template) {
  static const std::regex field(R"([-_.]?\{(variant|seed|layer|mode|frame)\})");
  const std::filesystem::path p(path_template);
  std::string stem = std::regex_replace(p.stem().string(), field, "");
  if (stem.empty()) stem = "render";
  return (p.parent_path() / (stem + p.extension().string())).string();
}

std::string with_stem_suffix(const std::string& path, const std::string& suffix) {
  std::string result = path;
  insert_before_extension(result, suffix);
  return result;
}

std::string with_extension(const std::string& path, const std::string& extension) {
  return std::filesystem::path(path).replace_extension(extension).string();
}

}  // namespace nsrg
