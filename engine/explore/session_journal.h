// The explore session's journal: one JSON object a line, appended and synced as things
// happen (a tile made, finished, failed, cancelled, kept), so a restart on the same folder
// rebuilds the same grid and lineage (explore_session.cpp replays it).
#pragma once

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace nsrg {

// Every event of the journal at `path` ({} when there is none). A torn last line (the
// process died while writing it) is skipped; a damaged line before it is a UserError
// naming the file and line.
std::vector<nlohmann::json> read_journal(const std::string& path);

class SessionJournal {
 public:
  explicit SessionJournal(const std::string& path);  // opens for appending, creating it
  // Writes one line and syncs it to disk before returning.
  void append(const nlohmann::json& event);

 private:
  struct Close {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  std::string path_;
  std::unique_ptr<std::FILE, Close> file_;
};

}  // namespace nsrg
