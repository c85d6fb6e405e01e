// An explore session end to end, over HTTP on loopback with 32 px tiles of the built-in
// model: the first siblings render with intermediate images, "more like this" breeds
// children of a tile, keep writes the style file (its lineage one step longer than the
// parent's) and the full-size command, cross, morph and promote render, hostile ids are
// refused with nothing written outside the session folder, and a restart on the same
// folder shows the same tiles, states and lineage.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "engine/image/image.h"
#include "tests/explore/explore_test_support.h"
#include "weights/style_targets_file.h"

namespace nsrg {
namespace {

namespace fs = std::filesystem;
using namespace nsrg::testing;

std::vector<std::string> ids_of(const std::string& body) {
  return nlohmann::json::parse(body)["tiles"].get<std::vector<std::string>>();
}

std::set<std::string> files_under(const fs::path& dir) {
  std::set<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file()) files.insert(fs::relative(entry.path(), dir).string());
  return files;
}

TEST(ExploreSession, BreedKeepCrossMorphPromoteAndRestart) {
  const fs::path dir = make_scratch_dir("explore_session");
  const ExploreOptions options = small_explore_options(dir, 2);
  const fs::path session_dir = dir / "out" / "explore";
  nlohmann::json before;
  {
    ExploreServer server(options, {}, std::cerr);
    const std::string address = server.start();
    EXPECT_EQ(address,
              "http://127.0.0.1:" + std::to_string(server.port()) + "/?token=" + server.token());
    ExploreClient client(server);
    nlohmann::json state = client.wait_done({"t1", "t2"});
    EXPECT_EQ(tile_in(state, "t1")["kind"], "sibling");
    EXPECT_GT(tile_in(state, "t1")["version"].get<int>(), 0) << "no intermediate image";
    EXPECT_EQ(client.get_status("/tile/t1.png?token=" + client.token()), 200);
    EXPECT_EQ(client.get_status("/input/content?token=" + client.token()), 200);

    // More like this: children of t1, named so.
    auto [status, body] =
        client.post("/api/breed", {{"tile", "t1"}, {"count", 2}, {"strength", 0.3}});
    ASSERT_EQ(status, 200) << body;
    const std::vector<std::string> children = ids_of(body);
    ASSERT_EQ(children, (std::vector<std::string>{"t3", "t4"}));
    state = client.wait_done(children);
    // The four tiles shared one backend and one network; the siblings one capture of the
    // style images, the children one of t1's style file.
    const ResourceCounts shared = server.session().resource_counts();
    EXPECT_EQ(shared.backends_made, 1);
    EXPECT_EQ(shared.networks_loaded, 1);
    EXPECT_EQ(shared.network_hits, 3);
    EXPECT_EQ(shared.captures, 2);
    EXPECT_EQ(shared.capture_hits, 2);
    EXPECT_EQ(tile_in(state, "t3")["parents"], nlohmann::json::array({"t1"}));
    EXPECT_EQ(tile_in(state, "t3")["kind"], "child");
    EXPECT_FLOAT_EQ(tile_in(state, "t3")["range"][0].get<float>(), 0.7f);

    // Keep: the style file with its lineage, and the full-size command.
    std::tie(status, body) = client.post("/api/keep", {{"tile", "t3"}});
    ASSERT_EQ(status, 200) << body;
    const StyleTargetsInfo kept =
        read_style_targets_info((session_dir / "kept/t3.style.safetensors").string());
    const StyleTargetsInfo parent =
        read_style_targets_info((session_dir / "tiles/t1.style.safetensors").string());
    EXPECT_EQ(kept.lineage.steps.size(), parent.lineage.steps.size() + 1);
    std::ifstream command_file(session_dir / "kept/t3.command.sh");
    std::stringstream command;
    command << command_file.rdbuf();
    EXPECT_NE(command.str().find("style.replay=true"), std::string::npos) << command.str();
    EXPECT_NE(command.str().find("kept/t3.style.safetensors"), std::string::npos);

    // Cross, morph (2 frames) and promote.
    std::tie(status, body) = client.post("/api/cross", {{"a", "t1"}, {"b", "t2"}, {"weight", 0.3}});
    ASSERT_EQ(status, 200) << body;
    const std::vector<std::string> crossed = ids_of(body);
    std::tie(status, body) = client.post("/api/morph", {{"a", "t1"}, {"b", "t2"}, {"frames", 2}});
    ASSERT_EQ(status, 200) << body;
    const std::vector<std::string> frames = ids_of(body);
    std::tie(status, body) =
        client.post("/api/promote", {{"tile", "t3"}, {"size", 48}, {"iterations", 2}});
    ASSERT_EQ(status, 200) << body;
    const std::vector<std::string> promoted = ids_of(body);
    state = client.wait_done({crossed[0], frames[0], frames[1], promoted[0]});
    EXPECT_EQ(tile_in(state, crossed[0])["parents"], nlohmann::json::array({"t1", "t2"}));
    EXPECT_EQ(tile_in(state, frames[1])["group"], frames[0]);
    EXPECT_EQ(read_image((session_dir / ("tiles/" + promoted[0] + ".png")).string()).width, 48);

    // Hostile ids: refused, nothing written.
    const std::set<std::string> files_before = files_under(dir);
    for (const std::string path : {"/tile/..%2Fjournal.jsonl", "/tile/../journal.jsonl",
                                   "/tile/t999.png", "/input/style/7", "/tile/%2Fetc%2Fpasswd"})
      EXPECT_EQ(client.get_status(path + "?token=" + client.token()), 404) << path;
    for (const nlohmann::json& bad :
         {nlohmann::json{{"tile", "../journal"}}, nlohmann::json{{"tile", "/etc/passwd"}},
          nlohmann::json{{"tile", "t999"}}})
      EXPECT_EQ(client.post("/api/keep", bad).first, 400) << bad;
    EXPECT_EQ(client.post("/api/breed", {{"tile", "t1"}, {"count", 1000}}).first, 400);
    EXPECT_EQ(files_under(dir), files_before);
    before = client.state();
    server.stop();
  }
  // Everything the session wrote is inside its folder (and the config is ours).
  for (const std::string& file : files_under(dir))
    EXPECT_TRUE(file == "config.toml" || file.rfind("out/explore/", 0) == 0) << file;

  // A restart on the same folder: the same tiles, states and lineage, nothing re-rendered.
  ExploreServer again(options, {}, std::cerr);
  again.start();
  ExploreClient client(again);
  const nlohmann::json after = client.state();
  ASSERT_EQ(after["tiles"].size(), before["tiles"].size());
  for (size_t i = 0; i < before["tiles"].size(); ++i) {
    for (const char* key : {"id", "kind", "parents", "seed", "state", "kept", "group"})
      EXPECT_EQ(after["tiles"][i][key], before["tiles"][i][key]) << key;
  }
  EXPECT_EQ(after["waiting"], 0);
  // New tiles continue the numbering.
  const auto [status, body] = client.post("/api/siblings", {{"count", 1}});
  ASSERT_EQ(status, 200) << body;
  EXPECT_EQ(ids_of(body),
            (std::vector<std::string>{"t" + std::to_string(after["tiles"].size() + 1)}));
  again.stop();
  fs::remove_all(dir);
}

TEST(ExploreSession, AFullQueueIsRefusedAndADiscardedTileIsCancelled) {
  const fs::path dir = make_scratch_dir("explore_queue");
  ExploreOptions options = small_explore_options(dir, 1);
  options.overrides.push_back("explore.queue_limit=3");
  ExploreSession session(options, std::cerr);  // not started: nothing renders
  SiblingRequest two;
  two.count = 2;
  EXPECT_EQ(session.add_siblings(two).size(), 2u);  // t2, t3 beside the first t1
  EXPECT_THROW(session.add_siblings(two), QueueFull);
  EXPECT_EQ(session.tile_count(), 3u);
  session.discard("t2");
  EXPECT_EQ(session.status("t2").state, TileState::Cancelled);
  EXPECT_THROW(session.discard("t42"), UserError);
  BreedRequest breed;
  breed.tile = "t1";
  EXPECT_THROW(session.breed(breed), UserError);  // t1 has not rendered
  fs::remove_all(dir);
}

TEST(ExploreSession, ARunningRenderNobodyWatchesGoesBackToTheQueue) {
  const fs::path dir = make_scratch_dir("explore_unwatched");
  ExploreOptions options = small_explore_options(dir, 1);
  options.overrides.push_back("explore.preview_iterations=100000");
  options.page_timeout = std::chrono::milliseconds(500);
  ExploreServer server(options, {}, std::cerr);
  server.start();
  ExploreSession& session = server.session();
  // It renders while a page asks for the state ...
  EXPECT_TRUE(wait_until([&] {
    session.state();
    return session.status("t1").iteration >= 2;
  }));
  // ... and, with no page asking, stops after its current evaluation and waits in the
  // queue, unfinished (waited for, not timed: an evaluation takes seconds on a loaded machine).
  EXPECT_TRUE(wait_until([&] {
    const auto status = session.status("t1");
    return status.state == TileState::Queued && status.iteration == 0;
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // and stays there
  EXPECT_EQ(session.status("t1").state, TileState::Queued);
  server.stop();
  fs::remove_all(dir);
}

TEST(ExploreSession, DiscardingTheRunningTileCancelsIt) {
  const fs::path dir = make_scratch_dir("explore_discard");
  ExploreOptions options = small_explore_options(dir, 1);
  options.overrides.push_back("explore.preview_iterations=100000");
  ExploreServer server(options, {}, std::cerr);
  server.start();
  ExploreClient client(server);
  EXPECT_TRUE(wait_until([&] { return tile_in(client.state(), "t1")["iteration"] >= 2; }));
  ASSERT_EQ(client.post("/api/discard", {{"tile", "t1"}}).first, 200);
  EXPECT_TRUE(wait_until([&] { return tile_in(client.state(), "t1")["state"] == "cancelled"; }));
  // The next tile starts from what the cancelled render loaded and captured.
  auto [status, body] = client.post("/api/siblings", {{"count", 1}});
  ASSERT_EQ(status, 200) << body;
  EXPECT_TRUE(wait_until([&] { return tile_in(client.state(), "t2")["iteration"] >= 2; }));
  ASSERT_EQ(client.post("/api/discard", {{"tile", "t2"}}).first, 200);
  EXPECT_TRUE(wait_until([&] { return tile_in(client.state(), "t2")["state"] == "cancelled"; }));
  const ResourceCounts shared = server.session().resource_counts();
  EXPECT_EQ(shared.networks_loaded, 1);
  EXPECT_EQ(shared.network_hits, 1);
  EXPECT_EQ(shared.captures, 1);
  EXPECT_EQ(shared.capture_hits, 1);
  server.stop();
  // The journal says so: a restart keeps it cancelled and renders nothing.
  ExploreSession again(options, std::cerr);
  EXPECT_EQ(again.status("t1").state, TileState::Cancelled);
  fs::remove_all(dir);
}

TEST(ExploreSession, AHostNotOnLoopbackNeedsAllowRemote) {
  const fs::path dir = make_scratch_dir("explore_host");
  ExploreServerOptions server;
  server.host = "0.0.0.0";
  EXPECT_THROW(ExploreServer(small_explore_options(dir, 1), server, std::cerr), UserError);
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("localhost"));
  EXPECT_FALSE(is_loopback_host("0.0.0.0"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace nsrg
