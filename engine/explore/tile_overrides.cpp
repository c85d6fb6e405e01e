// tile_overrides and full_size_command: a tile's recipe as --set assignments.
#include "engine/explore/tile_overrides.h"

#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/core/shell_quote.h"

namespace nsrg {

namespace {

std::string number(float value) {
  std::ostringstream text;
  text.precision(9);
  text << value;
  std::string s = text.str();
  if (s.find_first_of(".eE") == std::string::npos && s.find("inf") == std::string::npos &&
      s.find("nan") == std::string::npos)
    s += ".0";
  return s;
}

// The style: which kept files (none for a sibling), how they blend, and the randomization.
void add_style(std::vector<std::string>& out, const TileRecipe& r, const SessionFiles& files,
               const std::string& first_style_file) {
  if (r.kind == TileKind::Sibling) {
    out.push_back("randomize.mode=" + toml_string(r.mode));
  } else {
    const bool blend = r.kind == TileKind::Cross || r.kind == TileKind::Morph;
    std::string targets = "[" + toml_string(first_style_file);
    std::string weights = "[1.0";
    if (blend) {
      targets += ", " + toml_string(files.tile_style(r.parents.at(1)));
      weights = "[" + number(r.weight) + ", " + number(1.0f - r.weight);
    }
    out.push_back("style.targets=" + targets + "]");
    out.push_back("style.blend_weights=" + weights + "]");
    out.push_back("style.images=[]");
    out.push_back(std::string("style.blend_space=") + (blend ? "\"wasserstein\"" : "\"linear\""));
    out.push_back("randomize.mode=" +
                  toml_string(r.kind == TileKind::Child ? r.mode : std::string("none")));
  }
  out.push_back("randomize.range=[" + number(r.range_low) + ", " + number(r.range_high) + "]");
  out.push_back("randomize.mix=" + number(r.mix));
  out.push_back("randomize.variants=1");
  if (!r.layer.empty()) out.push_back("style.layers=[" + toml_string(r.layer) + "]");
}

}  // namespace

std::string toml_string(const std::string& text) {
  return nlohmann::json(text).dump();
}

std::vector<std::string> tile_overrides(const TileRecipe& r, const SessionFiles& files,
                                        bool parent_is_blend) {
  std::vector<std::string> out;
  out.push_back("seed=" + std::to_string(r.seed));
  const std::string first_style =
      r.parents.empty() ? std::string() : files.tile_style(r.parents.front());
  add_style(out, r, files, first_style);
  if (r.kind == TileKind::Promote) {
    out.push_back(std::string("style.replay=") + (parent_is_blend ? "false" : "true"));
    // Half the size first, then the size: the multires chain, each stage replayed.
    const int half = r.size / 2;
    std::string stages = "[";
    if (half >= 64)
      stages += "{image_size=" + std::to_string(half) +
                ", iterations=" + std::to_string(r.iterations) + "}, ";
    stages += "{image_size=" + std::to_string(r.size) +
              ", iterations=" + std::to_string((r.iterations + 1) / 2) + "}]";
    out.push_back("stages=" + stages);
  } else {
    out.push_back("stages=[{image_size=" + std::to_string(r.size) +
                  ", iterations=" + std::to_string(r.iterations) + "}]");
  }
  out.push_back("sweep.style_layers=[]");
  out.push_back("output.path=" + toml_string(files.tile_image(r.id)));
  out.push_back("output.save_targets=true");
  out.push_back("output.contact_sheet=false");
  out.push_back("output.save_iter=0");
  out.push_back("output.save_raw=false");
  out.push_back("output.save_stages=false");
  return out;
}

std::string full_size_command(const std::string& engine, const std::string& config,
                              const std::vector<std::string>& user_overrides, const TileRecipe& r,
                              const SessionFiles& files, bool is_blend) {
  std::vector<std::string> sets = user_overrides;
  sets.push_back("seed=" + std::to_string(r.seed));
  sets.push_back("style.targets=" + toml_string(files.kept_style(r.id)));
  sets.push_back("style.images=[]");
  sets.push_back("style.blend_weights=[1.0]");
  sets.push_back("style.blend_space=\"linear\"");
  sets.push_back(std::string("style.replay=") + (is_blend ? "false" : "true"));
  sets.push_back("randomize.mode=\"none\"");
  sets.push_back("randomize.variants=1");
  sets.push_back("sweep.style_layers=[]");
  if (!r.layer.empty()) sets.push_back("style.layers=[" + toml_string(r.layer) + "]");
  sets.push_back("output.path=" + toml_string(files.kept_image(r.id)));
  std::string command = shell_quote(engine) + " " + shell_quote(config);
  for (const std::string& set : sets) command += " \\\n  --set " + shell_quote(set);
  return command + "\n";
}

}  // namespace nsrg
