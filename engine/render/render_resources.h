// What the renders of one process may share when a caller keeps them between renders (the
// explore session's tiles): the backend, the loaded networks, and each stage's captured
// targets (the preprocessed content image, its features and the blended, un-randomized
// style Grams). A render given none (the command line) loads and captures everything
// itself; a render given one (RenderSession::set_resources) asks it first, and on a miss
// runs its own loading code and leaves the result here. What a hit hands back is exactly
// what that code made for the same key, so a render is the same to the byte either way.
//
// Keys name everything the value depends on: the backend's kind, precision and threads; the
// model file (path, size and modification time), the last layer loaded and the pooling; for
// a capture, the whole resolved configuration but its seed, [randomize] and [output], the
// stage's size, style scale and tile size (a capture in tiles equals the whole one up to float
// rounding only), and the size and modification time of every image and kept style file it
// reads. A file changed on disk (another size or modification time) is a new
// key; the old entry ages out. Captures replayed from a lineage or of a morph path are not
// kept (their inputs are named inside other files).
//
// The networks and captures held are bounded together: beyond `byte_limit` bytes the least
// recently used go first (one that alone exceeds the limit is not kept). A value in use by a
// render is shared, so dropping it from here never frees it under the render. Not
// thread-safe: one render at a time uses it (the explore session's worker). Besides, it keeps
// the SHA-256 of each file a kept style names (the model, the style images, a parent style),
// by the file's path, size and modification time.
#pragma once

#include <cstddef>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/core/backend.h"
#include "engine/core/preprocess.h"
#include "engine/net/network.h"
#include "engine/stages/stages.h"

namespace nsrg {

// A network built on a backend, with the model facts a render needs besides its weights.
struct LoadedNetwork {
  std::shared_ptr<Network> network;
  std::vector<LayerSpec> layers;  // the model's layers as loaded (truncated)
  Preprocess preprocess;
  std::string source;
  size_t weight_bytes = 0;  // the float32 weights and biases the network holds
};

// A stage's captured targets (what capture_stage_targets adds to its StageInputs) and the
// eigendecompositions of its base Grams made so far.
struct CapturedTargets {
  Tensor content_tensor;
  std::map<std::string, Tensor> content_targets;
  std::map<std::string, Tensor> base_grams;
  std::vector<std::string> notes;
  std::map<std::string, std::shared_ptr<const GramEigen>> base_eigens;
};

// What a RenderResources has done since it was made (for tests and the log).
struct ResourceCounts {
  int backends_made = 0;
  int networks_loaded = 0, network_hits = 0;
  int captures = 0, capture_hits = 0;
  int eigens_made = 0, eigen_hits = 0;  // eigendecompositions of held base Grams
  int files_hashed = 0, hash_hits = 0;
  int evictions = 0;
  size_t bytes_held = 0;  // networks' weights and captures' tensors held now
};

// The keys (see the file comment). capture_key is nullopt for a capture that is not kept.
std::string backend_key(const RenderConfig& config);
std::string network_key(const RenderConfig& config, const std::string& last_layer);
// tile_size: the stage's tile side as the memory plan chose it (0: whole image).
std::optional<std::string> capture_key(const RenderConfig& config, const Stage& stage,
                                       int tile_size, const std::string& network_key);

class RenderResources {
 public:
  explicit RenderResources(size_t byte_limit) : byte_limit_(byte_limit) {}
  ~RenderResources();
  RenderResources(const RenderResources&) = delete;
  RenderResources& operator=(const RenderResources&) = delete;

  // The backend of `key`, made by `make` the first time. Another key drops everything held
  // (it lives on the old backend) and makes the new one.
  std::shared_ptr<Backend> backend(const std::string& key,
                                   const std::function<std::unique_ptr<Backend>()>& make);
  // The network of `key` on the current backend, loaded by `load` on a miss.
  LoadedNetwork network(const std::string& key, const std::function<LoadedNetwork()>& load);
  // Fills `inputs`' captured targets: copies of those held under `key`, or (a miss, or no
  // key) what `capture` adds to it, a copy of which is then kept under `key`. With a key,
  // inputs.base_eigens gets the held eigendecompositions of the base Grams of `decompose`
  // (those made for an earlier render, or made now and kept).
  void capture(const std::optional<std::string>& key, StageInputs& inputs,
               const std::function<void(StageInputs&)>& capture,
               const std::vector<std::string>& decompose);

  // The SHA-256 (hex) of the file at `path`, read once per path, size and modification time
  // (a kept style file records its model's and style images' hashes; the weights take a
  // quarter of a second to hash).
  std::string file_sha256(const std::string& path);

  ResourceCounts counts() const;

 private:
  struct Entry {
    std::optional<LoadedNetwork> network;
    std::optional<CapturedTargets> targets;
    size_t bytes = 0;
    std::list<std::string>::iterator use;  // in uses_
  };
  Entry* find(const std::string& key);  // and marks it most recently used
  void keep(const std::string& key, Entry entry);
  // Drops the least recently used entries but `except` until `bytes` more fit the limit.
  void make_room(size_t bytes, const std::string& except);
  void drop_all();

  const size_t byte_limit_;
  std::string backend_key_;
  std::shared_ptr<Backend> backend_;  // declared before what lives on it
  std::map<std::string, Entry> entries_;
  std::list<std::string> uses_;                            // most recently used first
  std::map<std::string, std::string> sha256_by_identity_;  // a few dozen bytes per file
  ResourceCounts counts_;
};

}  // namespace nsrg
