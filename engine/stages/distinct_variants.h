// randomize.min_distance: which draw each variant of a contact sheet row renders with, so
// that a row shows distinct styles. Variant v first draws counter v (seed + v, as without
// the key); while its randomized Grams lie closer than min_distance to those of a variant
// accepted before it, it draws again with the next counter no variant of the row has used
// (counters variants, variants + 1, ... in the order the redraws happen), at most
// max_redraws times, and then keeps the last candidate (gave_up). The distance of two
// variants is the mean over the row's randomized style layers of
// relative_frobenius_distance (engine/core/gram_distance.h) of their randomized Grams.
// The choice depends only on the config, the base Grams and the row's layers, so every
// process (each shard of a run) makes the same one.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/core/backend.h"
#include "engine/net/network.h"

namespace nsrg {

struct VariantDraw {
  uint32_t counter = 0;  // the variant renders with seed config.seed + counter
  int redraws = 0;       // candidates drawn and rejected before the one kept
  // The kept candidate's distance to the nearest variant accepted before it (none for the
  // row's first variant).
  std::optional<double> nearest_distance;
  bool gave_up = false;  // still closer than min_distance after max_redraws redraws
};

// counter v for every variant: the draws without randomize.min_distance.
std::vector<VariantDraw> plain_variant_draws(int variants);

// The draws of config.variants variants of the row whose style layers are `layers`, their
// base (un-randomized) Grams in `base_grams`. Without min_distance, or when none of `layers`
// is randomized, plain_variant_draws.
std::vector<VariantDraw> choose_variant_draws(Backend& backend, const Network& network,
                                              const RenderConfig& config,
                                              const std::map<std::string, Tensor>& base_grams,
                                              const std::vector<std::string>& layers);

}  // namespace nsrg
