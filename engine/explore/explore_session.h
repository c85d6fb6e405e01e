// An explore session: the tiles of one session folder, their renders and their journal.
// The constructor loads the config (the same validation as a render), replays the folder's
// journal (a new folder gets the first siblings) and queues every unfinished tile again.
// One worker thread renders the queue, newest first, one tile at a time; each tile is a
// render of the config with the tile's --set assignments (tile_overrides.h), watched for
// intermediate images and cancellation, sharing the session's backend, networks and
// captured targets (render_resources.h) with the tiles before it. Every action the page can take is
// a method here; the HTTP routes (explore_routes.cpp) only parse and call them.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "engine/config/config.h"
#include "engine/explore/explore_requests.h"
#include "engine/explore/session_files.h"
#include "engine/explore/session_journal.h"
#include "engine/explore/tile.h"
#include "engine/explore/work_queue.h"
#include "engine/render/render_resources.h"

namespace nsrg {

struct ExploreOptions {
  std::string config_path;
  std::vector<std::string> overrides;  // the command line's --set (and --backend)
  std::string engine_path;             // the nsrg-engine binary, for the kept commands
  // Renders wait, and a running one is put back in the queue, while no page has asked for
  // the state for this long (the page polls every second).
  std::chrono::milliseconds page_timeout{15000};
};

// Too many renders waiting (HTTP 429).
class QueueFull : public std::runtime_error {
 public:
  QueueFull() : std::runtime_error("the render queue is full; wait for tiles to finish") {}
};

class ExploreSession {
 public:
  ExploreSession(ExploreOptions options, std::ostream& log);
  ~ExploreSession();  // stop()

  const RenderConfig& config() const { return config_; }
  const SessionFiles& files() const { return files_; }

  // Starts the worker thread (once).
  void start();
  // Stops the worker after its render ends (a running render is interrupted: it saves its
  // image and stays unfinished in the journal, so a restart renders it again).
  void stop();

  // The page's actions; each returns the new tiles' ids. UserError: an unknown tile or a
  // request that cannot be done (HTTP 400); QueueFull: too many renders waiting.
  std::vector<std::string> add_siblings(const SiblingRequest& request);
  std::vector<std::string> breed(const BreedRequest& request);
  std::vector<std::string> cross(const PairRequest& request);
  std::vector<std::string> morph(const PairRequest& request);
  std::vector<std::string> promote(const PromoteRequest& request);
  // Copies a finished tile's style file (with its lineage) to kept/ and writes the command
  // that renders it at the config's size; returns {"style": ..., "command": ...} (paths
  // relative to the session folder).
  nlohmann::json keep(const std::string& tile);
  // Withdraws a queued tile or stops its render; the tile is cancelled (journaled).
  void discard(const std::string& tile);

  // Everything the page shows; also tells the session a page is watching.
  nlohmann::json state();
  // The file to serve for a tile's picture: the final image once done, else the latest
  // intermediate one; nullopt when there is none yet or the id is unknown.
  std::optional<std::string> tile_picture(const std::string& tile) const;
  // The config's content image (index -1) or style image `index`; nullopt out of range.
  std::optional<std::string> input_picture(int index) const;

  // For tests and the worker: the status of one tile (UserError for an unknown id).
  TileStatus status(const std::string& tile) const;
  size_t tile_count() const;
  // What the tiles' renders shared so far (engine/render/render_resources.h).
  ResourceCounts resource_counts() const;

 private:
  struct Tile {
    TileRecipe recipe;
    TileStatus status;
  };
  class Observer;
  class CountResources;

  void replay_journal();
  // A tile at the preview size and iterations, of the first parent's layer, un-randomized
  // until the caller says otherwise; mutex_ held.
  TileRecipe preview_recipe(TileKind kind, std::vector<std::string> parents, uint64_t seed) const;
  // Cross (one weight) or morph (a weight per frame) of two finished tiles.
  std::vector<std::string> blend_tiles(const PairRequest& request, TileKind kind,
                                       const std::vector<float>& weights);
  std::string next_id();
  uint64_t next_seed();
  const Tile& tile_or_fail(const std::string& id) const;  // mutex_ held
  Tile& tile_or_fail(const std::string& id);              // mutex_ held
  bool is_blend(const std::string& id) const;             // mutex_ held
  // Journals and queues new tiles (all or none: QueueFull); mutex_ held.
  std::vector<std::string> add_tiles(std::vector<TileRecipe> recipes);
  void worker_loop();
  void render_tile(const std::string& id);
  bool page_watching() const;
  void finish_tile(const std::string& id, TileState state, const std::string& error);

  ExploreOptions options_;
  std::ostream& log_;
  RenderConfig config_;
  SessionFiles files_;
  std::unique_ptr<SessionJournal> journal_;
  WorkQueue queue_;
  // The backend, networks and captured targets every tile's render shares (used by the
  // worker thread only; resource_counts_ is its copy of their counts after each render).
  RenderResources resources_;

  mutable std::mutex mutex_;
  std::map<std::string, Tile> tiles_;
  std::vector<std::string> order_;  // ids in the order they were made
  int serial_ = 0;
  uint64_t seed_serial_ = 0;
  std::string running_;
  ResourceCounts resource_counts_;
  std::atomic<bool> cancel_running_{false};
  std::atomic<int64_t> last_seen_ms_{0};
  std::atomic<bool> stopping_{false};
  std::thread worker_;
};

}  // namespace nsrg
