// RenderResources: the keys of what renders share, and the least-recently-used store of the
// networks and captured targets on one backend.
#include "engine/render/render_resources.h"

#include <filesystem>
#include <utility>

#include "engine/core/enum_names.h"
#include "engine/core/error.h"
#include "engine/core/randomization.h"
#include "weights/sha256.h"

namespace nsrg {

namespace fs = std::filesystem;

namespace {

// A file's identity for the keys: its path, size and modification time (nanoseconds), or
// "missing" (the loader then reports the file as it always does).
std::string file_identity(const std::string& path) {
  std::error_code error;
  const auto size = fs::file_size(path, error);
  if (error) return path + " missing";
  const auto modified = fs::last_write_time(path, error);
  if (error) return path + " missing";
  return path + " " + std::to_string(size) + " " +
         std::to_string(modified.time_since_epoch().count());
}

Tensor copy_tensor(Backend& backend, const Tensor& tensor) {
  Tensor copy = backend.empty(tensor.shape());
  backend.copy(tensor, copy);
  return copy;
}

std::map<std::string, Tensor> copy_tensors(Backend& backend,
                                           const std::map<std::string, Tensor>& tensors) {
  std::map<std::string, Tensor> copies;
  for (const auto& [name, tensor] : tensors) copies.emplace(name, copy_tensor(backend, tensor));
  return copies;
}

size_t tensor_bytes(const std::map<std::string, Tensor>& tensors) {
  size_t bytes = 0;
  for (const auto& named : tensors) bytes += named.second.bytes();
  return bytes;
}

}  // namespace

std::string backend_key(const RenderConfig& config) {
  return std::string(name_in(kBackendChoiceNames, config.backend)) + " " +
         name_in(kPrecisionNames, config.precision) + " " + std::to_string(config.threads);
}

std::string network_key(const RenderConfig& config, const std::string& last_layer) {
  const bool builtin = config.model.rfind("builtin:", 0) == 0;
  return (builtin ? config.model : file_identity(config.model)) + " up to " + last_layer +
         (config.pooling == PoolKind::Max ? " max" : " avg");
}

std::optional<std::string> capture_key(const RenderConfig& config, const Stage& stage,
                                       int tile_size, const std::string& network_key) {
  if (config.style_replay || config.path.given) return std::nullopt;
  nlohmann::json json = config_to_json(config);
  for (const char* unused : {"seed", "randomize", "output"}) json.erase(unused);
  nlohmann::json files = nlohmann::json::array();
  files.push_back(file_identity(config.content_image));
  for (const std::string& path : config.style_images) files.push_back(file_identity(path));
  for (const std::string& path : config.style_targets) files.push_back(file_identity(path));
  return backend_key(config) + "\n" + network_key + "\nstage " + std::to_string(stage.image_size) +
         " " + std::to_string(stage.style_scale) + "\ntile_size " + std::to_string(tile_size) +
         "\n" + files.dump() + "\n" + json.dump();
}

RenderResources::~RenderResources() {
  drop_all();
}

void RenderResources::drop_all() {
  entries_.clear();
  uses_.clear();
  counts_.bytes_held = 0;
}

std::shared_ptr<Backend> RenderResources::backend(
    const std::string& key, const std::function<std::unique_ptr<Backend>()>& make) {
  if (backend_ && key == backend_key_) return backend_;
  drop_all();
  backend_.reset();
  backend_ = make();
  backend_key_ = key;
  ++counts_.backends_made;
  return backend_;
}

RenderResources::Entry* RenderResources::find(const std::string& key) {
  const auto at = entries_.find(key);
  if (at == entries_.end()) return nullptr;
  uses_.splice(uses_.begin(), uses_, at->second.use);
  return &at->second;
}

void RenderResources::make_room(size_t bytes, const std::string& except) {
  auto oldest = uses_.end();
  while (counts_.bytes_held + bytes > byte_limit_ && oldest != uses_.begin()) {
    --oldest;
    if (*oldest == except) continue;
    const auto entry = entries_.find(*oldest);
    counts_.bytes_held -= entry->second.bytes;
    entries_.erase(entry);
    oldest = uses_.erase(oldest);
    ++counts_.evictions;
  }
}

void RenderResources::keep(const std::string& key, Entry entry) {
  NSRG_CHECK(!entries_.count(key), "RenderResources: key kept twice");
  if (entry.bytes > byte_limit_) return;
  make_room(entry.bytes, key);
  uses_.push_front(key);
  entry.use = uses_.begin();
  counts_.bytes_held += entry.bytes;
  entries_.emplace(key, std::move(entry));
}

LoadedNetwork RenderResources::network(const std::string& key,
                                       const std::function<LoadedNetwork()>& load) {
  NSRG_CHECK(backend_ != nullptr, "RenderResources: a network asked for before the backend");
  const std::string entry_key = "network\n" + key;
  if (Entry* entry = find(entry_key); entry != nullptr && entry->network) {
    ++counts_.network_hits;
    return *entry->network;
  }
  LoadedNetwork loaded = load();
  ++counts_.networks_loaded;
  Entry entry;
  entry.network = loaded;
  entry.bytes = loaded.weight_bytes;
  keep(entry_key, std::move(entry));
  return loaded;
}

void RenderResources::capture(const std::optional<std::string>& key, StageInputs& inputs,
                              const std::function<void(StageInputs&)>& capture,
                              const std::vector<std::string>& decompose) {
  NSRG_CHECK(backend_ != nullptr, "RenderResources: a capture asked for before the backend");
  Backend& backend = *backend_;
  if (!key) {
    capture(inputs);
    ++counts_.captures;
    return;
  }
  const std::string entry_key = "capture\n" + *key;
  Entry* entry = find(entry_key);
  if (entry != nullptr) {
    const CapturedTargets& held = *entry->targets;
    inputs.content_tensor = copy_tensor(backend, held.content_tensor);
    inputs.content_targets = copy_tensors(backend, held.content_targets);
    inputs.base_grams = copy_tensors(backend, held.base_grams);
    inputs.notes = held.notes;
    ++counts_.capture_hits;
  } else {
    capture(inputs);
    ++counts_.captures;
    Entry made;
    made.targets.emplace();
    CapturedTargets& held = *made.targets;
    held.content_tensor = copy_tensor(backend, inputs.content_tensor);
    held.content_targets = copy_tensors(backend, inputs.content_targets);
    held.base_grams = copy_tensors(backend, inputs.base_grams);
    held.notes = inputs.notes;
    made.bytes = held.content_tensor.bytes() + tensor_bytes(held.content_targets) +
                 tensor_bytes(held.base_grams);
    keep(entry_key, std::move(made));
    entry = find(entry_key);
    if (entry == nullptr) return;  // larger than the limit: not kept, nor its eigens
  }
  // The eigendecompositions, shared (not copied): made once per held Gram.
  CapturedTargets& held = *entry->targets;
  for (const std::string& layer : decompose) {
    auto& eigen = held.base_eigens[layer];
    if (eigen) {
      ++counts_.eigen_hits;
    } else {
      eigen = std::make_shared<const GramEigen>(decompose_gram(backend, held.base_grams.at(layer)));
      ++counts_.eigens_made;
      const size_t bytes = eigen->values.bytes() + eigen->vectors.bytes();
      make_room(bytes, entry_key);
      entry->bytes += bytes;
      counts_.bytes_held += bytes;
    }
    inputs.base_eigens[layer] = eigen;
  }
}

std::string RenderResources::file_sha256(const std::string& path) {
  const std::string identity = file_identity(path);
  const auto held = sha256_by_identity_.find(identity);
  if (held != sha256_by_identity_.end()) {
    ++counts_.hash_hits;
    return held->second;
  }
  std::string hex = sha256_file_hex(path);
  ++counts_.files_hashed;
  sha256_by_identity_.emplace(identity, hex);
  return hex;
}

ResourceCounts RenderResources::counts() const {
  return counts_;
}

}  // namespace nsrg
