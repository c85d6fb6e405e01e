// The explore journal: lines read back in order, a torn last line skipped, a damaged line
// before the end refused with the file and line, and tile recipes round-trip through it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/core/error.h"
#include "engine/explore/session_journal.h"
#include "engine/explore/tile.h"

namespace nsrg {
namespace {

namespace fs = std::filesystem;

fs::path scratch(const std::string& name) {
  const fs::path path = fs::temp_directory_path() /
                        ("nsrg_journal_" + name + "_" + std::to_string(::getpid()) + ".jsonl");
  fs::remove(path);
  return path;
}

TEST(SessionJournal, EventsReadBackInOrderAndATornLastLineIsSkipped) {
  const fs::path path = scratch("torn");
  {
    SessionJournal journal(path.string());
    journal.append({{"event", "tile"}, {"n", 1}});
    journal.append({{"event", "done"}, {"n", 2}});
  }
  std::ofstream(path, std::ios::app) << R"({"event": "keep", "ti)";  // a crash mid-line
  const std::vector<nlohmann::json> events = read_journal(path.string());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["n"], 1);
  EXPECT_EQ(events[1]["event"], "done");
  EXPECT_TRUE(read_journal((path.string() + ".absent")).empty());
  fs::remove(path);
}

TEST(SessionJournal, ADamagedLineIsAUserErrorNamingTheLine) {
  const fs::path path = scratch("damaged");
  std::ofstream(path) << "{\"event\": \"tile\"}\nnot json\n{\"event\": \"done\"}\n";
  try {
    read_journal(path.string());
    FAIL() << "a damaged line was read";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
  }
  fs::remove(path);
}

TEST(TileRecipe, RoundTripsThroughJson) {
  TileRecipe r;
  r.id = "t7";
  r.kind = TileKind::Cross;
  r.parents = {"t1", "t2"};
  r.seed = 99;
  r.mode = "none";
  r.range_low = 0.7f;
  r.range_high = 1.3f;
  r.mix = 0.8f;
  r.layer = "relu3_1";
  r.weight = 0.25f;
  r.size = 96;
  r.iterations = 12;
  const TileRecipe back = recipe_from_json(nlohmann::json::parse(recipe_to_json(r).dump()));
  EXPECT_EQ(recipe_to_json(back), recipe_to_json(r));
  EXPECT_EQ(back.kind, TileKind::Cross);
  nlohmann::json broken = recipe_to_json(r);
  broken.erase("seed");
  EXPECT_THROW(recipe_from_json(broken), UserError);
  broken = recipe_to_json(r);
  broken["kind"] = "mutant";
  EXPECT_THROW(recipe_from_json(broken), UserError);
}

}  // namespace
}  // namespace nsrg
