// Where an explore session keeps its files, all inside its folder (explore.dir): the journal,
// each tile's image, intermediate image, kept style and log under tiles/, kept styles with
// their full-size commands under kept/. Paths are made here from ids the server issued;
// nothing a request sends becomes a path.
#pragma once

#include <string>

namespace nsrg {

class SessionFiles {
 public:
  explicit SessionFiles(std::string dir) : dir_(std::move(dir)) {}
  const std::string& dir() const { return dir_; }
  std::string journal() const { return dir_ + "/journal.jsonl"; }
  std::string tile_image(const std::string& id) const { return tile(id, ".png"); }
  std::string tile_preview(const std::string& id) const { return tile(id, ".preview.png"); }
  std::string tile_style(const std::string& id) const { return tile(id, ".style.safetensors"); }
  std::string tile_log(const std::string& id) const { return tile(id, ".log"); }
  std::string kept_style(const std::string& id) const { return kept(id, ".style.safetensors"); }
  std::string kept_command(const std::string& id) const { return kept(id, ".command.sh"); }
  std::string kept_image(const std::string& id) const { return kept(id, ".png"); }

 private:
  std::string tile(const std::string& id, const char* suffix) const {
    return dir_ + "/tiles/" + id + suffix;
  }
  std::string kept(const std::string& id, const char* suffix) const {
    return dir_ + "/kept/" + id + suffix;
  }
  std::string dir_;
};

}  // namespace nsrg
