// ExploreSession: the tiles, their journal and the worker that renders them.
#include "engine/explore/explore_session.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <utility>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/randomization.h"
#include "engine/explore/tile_overrides.h"
#include "engine/render/interrupt.h"
#include "engine/render/render_session.h"

namespace nsrg {

namespace fs = std::filesystem;

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string session_dir(const RenderConfig& config) {
  if (!config.explore.dir.empty()) return config.explore.dir;
  return (fs::path(config.output_path).parent_path() / "explore").lexically_normal().string();
}

// The evaluations a tile's render runs in all (a promote: its stages together).
int total_iterations(const TileRecipe& r) {
  if (r.kind != TileKind::Promote) return r.iterations;
  return (r.size / 2 >= 64 ? r.iterations : 0) + (r.iterations + 1) / 2;
}

}  // namespace

// Watches one tile's render: intermediate images into tiles/<id>.preview.png, progress into
// the tile's status, and cancellation (discarded, nobody watching, or the session stopping).
class ExploreSession::Observer : public RenderObserver {
 public:
  Observer(ExploreSession& session, std::string id) : session_(session), id_(std::move(id)) {}

  std::string preview_path(const RenderProgress& p) override {
    const bool last = p.stage + 1 == p.stage_count && p.iteration == p.iterations;
    const int every = session_.config_.explore.preview_every;
    if (last || (p.iteration != 2 && p.iteration % every != 0)) return "";
    return session_.files_.tile_preview(id_);
  }
  void on_progress(const RenderProgress& p, const std::string& written) override {
    if (p.stage != stage_) {
      offset_ += stage_iterations_;
      stage_ = p.stage;
    }
    stage_iterations_ = p.iterations;
    std::lock_guard<std::mutex> lock(session_.mutex_);
    TileStatus& status = session_.tiles_.at(id_).status;
    status.iteration = offset_ + p.iteration;
    if (!written.empty()) ++status.preview_version;
  }
  bool cancelled() const override {
    return session_.cancel_running_ || session_.stopping_ || !session_.page_watching();
  }

 private:
  ExploreSession& session_;
  std::string id_;
  int stage_ = 0, offset_ = 0, stage_iterations_ = 0;
};

// Copies the shared resources' counts for resource_counts() when a tile's render ends, however
// it ends (the worker thread's), and says in the session's log what was shared so far.
class ExploreSession::CountResources {
 public:
  CountResources(ExploreSession& session, std::string id) : session_(session), id_(std::move(id)) {}
  ~CountResources() {
    const ResourceCounts c = session_.resources_.counts();
    session_.log_ << "explore: " << id_ << " ended; shared so far: " << c.backends_made
                  << " backend(s) made, " << c.networks_loaded << " network(s) loaded ("
                  << c.network_hits << " reused), " << c.captures << " capture(s) ("
                  << c.capture_hits << " reused), " << (c.bytes_held >> 20) << " MiB held"
                  << std::endl;
    std::lock_guard<std::mutex> lock(session_.mutex_);
    session_.resource_counts_ = c;
  }

 private:
  ExploreSession& session_;
  std::string id_;
};

ExploreSession::ExploreSession(ExploreOptions options, std::ostream& log)
    : options_(std::move(options)),
      log_(log),
      config_(load_config(options_.config_path, options_.overrides)),
      files_(session_dir(config_)),
      queue_(size_t(config_.explore.queue_limit)),
      resources_(size_t(config_.explore.cache_mib) << 20) {
  std::error_code error;
  fs::create_directories(fs::path(files_.dir()) / "tiles", error);
  fs::create_directories(fs::path(files_.dir()) / "kept", error);
  NSRG_REQUIRE(fs::is_directory(fs::path(files_.dir()) / "kept"), "explore.dir: cannot create ",
               files_.dir());
  replay_journal();
  journal_ = std::make_unique<SessionJournal>(files_.journal());
  last_seen_ms_ = now_ms();  // the first renders start before the page is open
  if (tiles_.empty()) {
    SiblingRequest first;
    first.count = config_.explore.siblings;
    const RandomizeSettings& r = config_.randomize;
    if (r.mode != RandomizeMode::None) first.mode = randomize_mode_name(r.mode);
    first.range_low = r.lo;
    first.range_high = r.hi;
    first.mix = r.mix;
    first.seed = config_.seed;
    add_siblings(first);
  }
}

ExploreSession::~ExploreSession() {
  stop();
}

void ExploreSession::replay_journal() {
  std::vector<std::string> unfinished;
  for (const nlohmann::json& event : read_journal(files_.journal())) {
    const std::string kind = event["event"].get<std::string>();
    if (kind == "tile") {
      NSRG_REQUIRE(event.contains("recipe"), files_.journal(), ": a tile event without a recipe");
      Tile tile{recipe_from_json(event["recipe"]), {}};
      tile.status.iterations = total_iterations(tile.recipe);
      const std::string id = tile.recipe.id;
      NSRG_REQUIRE(is_tile_id(id) && !tiles_.count(id), files_.journal(), ": tile id \"", id,
                   "\" is not a new tile id");
      serial_ = std::max(serial_, std::stoi(id.substr(1)));
      seed_serial_ = std::max<uint64_t>(seed_serial_, tile.recipe.seed + 1);
      tiles_.emplace(id, std::move(tile));
      order_.push_back(id);
      continue;
    }
    NSRG_REQUIRE(event.contains("tile") && event["tile"].is_string() &&
                     tiles_.count(event["tile"].get<std::string>()),
                 files_.journal(), ": a \"", kind, "\" event names no tile of the journal");
    TileStatus& status = tiles_.at(event["tile"].get<std::string>()).status;
    if (kind == "done") {
      status.state = TileState::Done;
      status.iteration = status.iterations;
    } else if (kind == "failed") {
      status.state = TileState::Failed;
      status.error = event.value("error", "");
    } else if (kind == "cancelled") {
      status.state = TileState::Cancelled;
    } else if (kind == "keep") {
      status.kept = true;
    }
  }
  for (const std::string& id : order_) {
    Tile& tile = tiles_.at(id);
    if (tile.status.state == TileState::Done && !fs::exists(files_.tile_image(id)))
      tile.status.state = TileState::Queued;  // finished, but its image is gone: again
    if (tile.status.state == TileState::Queued) unfinished.push_back(id);
  }
  // Oldest first into the queue, so the newest unfinished tile renders first, as before.
  NSRG_REQUIRE(queue_.push_all(unfinished), files_.journal(), ": ", unfinished.size(),
               " unfinished tiles, more than explore.queue_limit (", config_.explore.queue_limit,
               ")");
}

void ExploreSession::start() {
  if (worker_.joinable()) return;
  worker_ = std::thread([this] { worker_loop(); });
}

void ExploreSession::stop() {
  stopping_ = true;
  queue_.stop();
  if (worker_.joinable()) worker_.join();
}

std::string ExploreSession::next_id() {
  return "t" + std::to_string(++serial_);
}

uint64_t ExploreSession::next_seed() {
  return std::max<uint64_t>(seed_serial_, config_.seed);
}

const ExploreSession::Tile& ExploreSession::tile_or_fail(const std::string& id) const {
  const auto at = tiles_.find(id);
  NSRG_REQUIRE(at != tiles_.end(), "no tile ", id, " in this session");
  return at->second;
}

ExploreSession::Tile& ExploreSession::tile_or_fail(const std::string& id) {
  return const_cast<Tile&>(std::as_const(*this).tile_or_fail(id));
}

bool ExploreSession::is_blend(const std::string& id) const {
  const Tile& tile = tile_or_fail(id);
  if (tile.recipe.kind == TileKind::Cross || tile.recipe.kind == TileKind::Morph) return true;
  return !tile.recipe.parents.empty() && is_blend(tile.recipe.parents.front());
}

std::vector<std::string> ExploreSession::add_tiles(std::vector<TileRecipe> recipes) {
  const int serial_before = serial_;
  std::vector<std::string> ids;
  for (TileRecipe& recipe : recipes) {
    recipe.id = next_id();
    ids.push_back(recipe.id);
  }
  if (!queue_.push_all(ids)) {
    serial_ = serial_before;
    throw QueueFull();
  }
  for (TileRecipe& recipe : recipes) {
    if (recipe.kind == TileKind::Morph) recipe.group = ids.front();
    seed_serial_ = std::max<uint64_t>(seed_serial_, recipe.seed + 1);
    journal_->append({{"event", "tile"}, {"recipe", recipe_to_json(recipe)}});
    Tile tile{recipe, {}};
    tile.status.iterations = total_iterations(recipe);
    tiles_.emplace(recipe.id, std::move(tile));
    order_.push_back(recipe.id);
  }
  return ids;
}

TileRecipe ExploreSession::preview_recipe(TileKind kind, std::vector<std::string> parents,
                                          uint64_t seed) const {
  TileRecipe r;
  r.kind = kind;
  r.parents = std::move(parents);
  r.seed = seed;
  r.mode = "none";
  if (!r.parents.empty()) r.layer = tile_or_fail(r.parents.front()).recipe.layer;
  r.size = config_.explore.preview_size;
  r.iterations = config_.explore.preview_iterations;
  return r;
}

std::vector<std::string> ExploreSession::add_siblings(const SiblingRequest& request) {
  std::lock_guard<std::mutex> lock(mutex_);
  const uint64_t first_seed = request.seed ? *request.seed : next_seed();
  std::vector<TileRecipe> recipes;
  for (int i = 0; i < request.count; ++i) {
    TileRecipe r = preview_recipe(TileKind::Sibling, {}, first_seed + uint64_t(i));
    r.mode = request.mode;
    r.range_low = request.range_low;
    r.range_high = request.range_high;
    r.mix = request.mix;
    r.layer = request.layer;
    recipes.push_back(r);
  }
  return add_tiles(std::move(recipes));
}

namespace {

void require_done(const TileStatus& status, const std::string& id) {
  NSRG_REQUIRE(status.state == TileState::Done, "tile ", id, " has not finished rendering");
}

}  // namespace

std::vector<std::string> ExploreSession::breed(const BreedRequest& request) {
  std::lock_guard<std::mutex> lock(mutex_);
  require_done(tile_or_fail(request.tile).status, request.tile);
  std::vector<TileRecipe> recipes;
  const uint64_t first_seed = next_seed();
  for (int i = 0; i < request.count; ++i) {
    TileRecipe r = preview_recipe(TileKind::Child, {request.tile}, first_seed + uint64_t(i));
    r.mode = request.mode;
    r.range_low = 1.0f - request.strength;
    r.range_high = 1.0f + request.strength;
    r.mix = request.mix;
    recipes.push_back(r);
  }
  return add_tiles(std::move(recipes));
}

std::vector<std::string> ExploreSession::blend_tiles(const PairRequest& request, TileKind kind,
                                                     const std::vector<float>& weights) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const std::string& id : {request.a, request.b}) require_done(tile_or_fail(id).status, id);
  std::vector<TileRecipe> recipes;
  const uint64_t seed = next_seed();  // one seed for every frame of a morph: only the style moves
  for (float weight : weights) {
    TileRecipe r = preview_recipe(kind, {request.a, request.b}, seed);
    r.weight = weight;
    recipes.push_back(r);
  }
  return add_tiles(std::move(recipes));
}

std::vector<std::string> ExploreSession::cross(const PairRequest& request) {
  return blend_tiles(request, TileKind::Cross, {request.weight});
}

std::vector<std::string> ExploreSession::morph(const PairRequest& request) {
  std::vector<float> weights;
  for (int i = 0; i < request.frames; ++i)
    weights.push_back(1.0f - float(i) / float(request.frames - 1));
  return blend_tiles(request, TileKind::Morph, weights);
}

std::vector<std::string> ExploreSession::promote(const PromoteRequest& request) {
  std::lock_guard<std::mutex> lock(mutex_);
  const Tile& parent = tile_or_fail(request.tile);
  require_done(parent.status, request.tile);
  // The parent's seed: its initial image and its style, larger.
  TileRecipe r = preview_recipe(TileKind::Promote, {request.tile}, parent.recipe.seed);
  r.size = request.size;
  r.iterations = request.iterations;
  return add_tiles({r});
}

nlohmann::json ExploreSession::keep(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  Tile& tile = tile_or_fail(id);
  require_done(tile.status, id);
  std::ifstream in(files_.tile_style(id), std::ios::binary);
  NSRG_REQUIRE(in, "tile ", id, ": its style file is missing: ", files_.tile_style(id));
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  write_bytes_atomically(files_.kept_style(id), bytes);
  write_bytes_atomically(
      files_.kept_command(id),
      "#!/bin/sh\n# tile " + id + " of " + options_.config_path + " at the config's own size\n" +
          full_size_command(options_.engine_path, config_.config_path, options_.overrides,
                            tile.recipe, files_, is_blend(id)));
  if (!tile.status.kept) journal_->append({{"event", "keep"}, {"tile", id}});
  tile.status.kept = true;
  return {{"style", "kept/" + id + ".style.safetensors"},
          {"command", "kept/" + id + ".command.sh"}};
}

void ExploreSession::discard(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  Tile& tile = tile_or_fail(id);
  if (tile.status.state == TileState::Cancelled) return;
  if (running_ == id) {
    cancel_running_ = true;  // the worker marks it cancelled when the render stops
    return;
  }
  queue_.withdraw(id);
  tile.status.state = TileState::Cancelled;
  journal_->append({{"event", "cancelled"}, {"tile", id}});
}

bool ExploreSession::page_watching() const {
  return now_ms() - last_seen_ms_ < options_.page_timeout.count();
}

void ExploreSession::worker_loop() {
  while (const std::optional<std::string> id =
             queue_.take_newest([this] { return page_watching(); }, std::chrono::milliseconds(200)))
    render_tile(*id);
}

void ExploreSession::finish_tile(const std::string& id, TileState state, const std::string& error) {
  std::lock_guard<std::mutex> lock(mutex_);
  TileStatus& status = tiles_.at(id).status;
  status.state = state;
  status.error = error;
  if (state == TileState::Done) status.iteration = status.iterations;
  nlohmann::json event = {{"event", state == TileState::Done     ? "done"
                                    : state == TileState::Failed ? "failed"
                                                                 : "cancelled"},
                          {"tile", id}};
  if (!error.empty()) event["error"] = error;
  journal_->append(event);
  running_.clear();
}

void ExploreSession::render_tile(const std::string& id) {
  TileRecipe recipe;
  bool parent_is_blend = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Tile& tile = tiles_.at(id);
    if (tile.status.state != TileState::Queued) return;
    tile.status.state = TileState::Rendering;
    tile.status.iteration = 0;
    recipe = tile.recipe;
    parent_is_blend = !recipe.parents.empty() && is_blend(recipe.parents.front());
    running_ = id;
    cancel_running_ = false;
  }
  log_ << "explore: rendering " << id << " (" << tile_kind_name(recipe.kind) << ")" << std::endl;
  try {
    {
      std::vector<std::string> overrides = options_.overrides;
      for (std::string& set : tile_overrides(recipe, files_, parent_is_blend))
        overrides.push_back(std::move(set));
      std::ofstream render_log(files_.tile_log(id));
      const CountResources count_after(*this, id);  // once the session has let go of them
      RenderSession session(load_config(options_.config_path, overrides), render_log);
      Observer observer(*this, id);
      session.set_observer(&observer);
      session.set_resources(&resources_);
      session.run();
    }
    finish_tile(id, TileState::Done, "");
  } catch (const Interrupted&) {
    if (cancel_running_) {
      finish_tile(id, TileState::Cancelled, "");
      return;
    }
    // Nobody watching, or the session stopping: it stays unfinished and renders again later.
    std::lock_guard<std::mutex> lock(mutex_);
    tiles_.at(id).status.state = TileState::Queued;
    tiles_.at(id).status.iteration = 0;
    running_.clear();
    if (!stopping_ && !interrupt_requested()) queue_.push(id);
  } catch (const std::exception& e) {
    log_ << "explore: tile " << id << " failed: " << e.what() << std::endl;
    finish_tile(id, TileState::Failed, e.what());
  }
}

TileStatus ExploreSession::status(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return tile_or_fail(id).status;
}

ResourceCounts ExploreSession::resource_counts() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return resource_counts_;
}

size_t ExploreSession::tile_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return tiles_.size();
}

nlohmann::json ExploreSession::state() {
  last_seen_ms_ = now_ms();
  std::lock_guard<std::mutex> lock(mutex_);
  nlohmann::json tiles = nlohmann::json::array();
  for (const std::string& id : order_) {
    const Tile& tile = tiles_.at(id);
    nlohmann::json entry = recipe_to_json(tile.recipe);
    entry["state"] = tile_state_name(tile.status.state);
    entry["iteration"] = tile.status.iteration;
    entry["iterations"] = tile.status.iterations;
    entry["version"] = tile.status.preview_version;
    entry["kept"] = tile.status.kept;
    entry["error"] = tile.status.error;
    entry["blend"] = is_blend(id);
    tiles.push_back(std::move(entry));
  }
  std::vector<std::string> modes;
  for (const auto& named : kRandomizeModeNames) modes.push_back(named.name);
  return {{"config", fs::path(config_.config_path).filename().string()},
          {"dir", files_.dir()},
          {"styles", config_.style_images.size()},
          {"layers", config_.style_layers},
          {"modes", modes},
          {"preview_size", config_.explore.preview_size},
          {"children", config_.explore.children},
          {"promote_size", config_.explore.promote_size},
          {"waiting", queue_.waiting()},
          {"running", running_},
          {"tiles", tiles}};
}

std::optional<std::string> ExploreSession::tile_picture(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto at = tiles_.find(id);
  if (at == tiles_.end()) return std::nullopt;
  if (at->second.status.state == TileState::Done && fs::exists(files_.tile_image(id)))
    return files_.tile_image(id);
  if (fs::exists(files_.tile_preview(id))) return files_.tile_preview(id);
  return std::nullopt;
}

std::optional<std::string> ExploreSession::input_picture(int index) const {
  if (index < 0) return config_.content_image;
  if (size_t(index) < config_.style_images.size()) return config_.style_images[size_t(index)];
  return std::nullopt;
}

}  // namespace nsrg
