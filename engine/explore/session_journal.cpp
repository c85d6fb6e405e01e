// read_journal and SessionJournal: JSON lines, appended with fflush + fsync.
#include "engine/explore/session_journal.h"

#include <unistd.h>

#include <fstream>

#include "engine/core/error.h"

namespace nsrg {

std::vector<nlohmann::json> read_journal(const std::string& path) {
  std::vector<nlohmann::json> events;
  std::ifstream in(path, std::ios::binary);
  if (!in) return events;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t start = 0;
  int line = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    ++line;
    if (end == std::string::npos) break;  // no newline: a torn last line
    const std::string body = text.substr(start, end - start);
    start = end + 1;
    if (body.empty()) continue;
    nlohmann::json event = nlohmann::json::parse(body, nullptr, false);
    NSRG_REQUIRE(!event.is_discarded() && event.is_object() && event.contains("event") &&
                     event["event"].is_string(),
                 path, ": line ", line, " is not a journal event (a JSON object with \"event\")");
    events.push_back(std::move(event));
  }
  return events;
}

SessionJournal::SessionJournal(const std::string& path) : path_(path) {
  file_.reset(std::fopen(path.c_str(), "ab"));
  NSRG_REQUIRE(file_ != nullptr, path, ": cannot open the session journal for writing");
}

void SessionJournal::append(const nlohmann::json& event) {
  const std::string line = event.dump() + "\n";
  const bool written = std::fwrite(line.data(), 1, line.size(), file_.get()) == line.size() &&
                       std::fflush(file_.get()) == 0 && ::fsync(fileno(file_.get())) == 0;
  NSRG_REQUIRE(written, path_, ": cannot write the session journal (disk full?)");
}

}  // namespace nsrg
