// Choosing each variant's draw so that the variants of a row lie min_distance apart.
#include "engine/stages/distinct_variants.h"

#include <algorithm>
#include <limits>

#include "engine/core/gram_distance.h"
#include "engine/stages/image_style_targets.h"

namespace nsrg {
namespace {

// The randomized Grams of one candidate, one per randomized layer (in `layers` order).
std::vector<Tensor> candidate_grams(Backend& backend, const Network& network,
                                    const RenderConfig& config,
                                    const std::map<std::string, Tensor>& base_grams,
                                    const std::vector<std::string>& layers, uint64_t seed) {
  std::vector<Tensor> grams;
  for (const std::string& layer : layers)
    grams.push_back(randomized_gram(backend, network, base_grams.at(layer),
                                    config.randomization_for(layer), seed, layer));
  return grams;
}

// The mean over the layers of the relative Frobenius distance of two candidates' Grams.
double mean_distance(Backend& backend, const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  double sum = 0.0;
  for (size_t i = 0; i < a.size(); ++i) sum += relative_frobenius_distance(backend, a[i], b[i]);
  return sum / double(a.size());
}

}  // namespace

std::vector<VariantDraw> plain_variant_draws(int variants) {
  std::vector<VariantDraw> draws(size_t(std::max(variants, 0)));
  for (size_t v = 0; v < draws.size(); ++v) draws[v].counter = uint32_t(v);
  return draws;
}

std::vector<VariantDraw> choose_variant_draws(Backend& backend, const Network& network,
                                              const RenderConfig& config,
                                              const std::map<std::string, Tensor>& base_grams,
                                              const std::vector<std::string>& layers) {
  std::vector<std::string> randomized;
  for (const std::string& layer : layers)
    if (config.randomization_for(layer).mode != RandomizeMode::None) randomized.push_back(layer);
  std::vector<VariantDraw> draws = plain_variant_draws(config.variants);
  if (config.min_distance <= 0.0f || randomized.empty()) return draws;

  std::vector<std::vector<Tensor>> accepted;  // the kept variants' randomized Grams
  uint32_t next_unused = uint32_t(config.variants);
  for (size_t v = 0; v < draws.size(); ++v) {
    VariantDraw& draw = draws[v];
    for (;;) {
      std::vector<Tensor> grams = candidate_grams(backend, network, config, base_grams, randomized,
                                                  config.seed + draw.counter);
      double nearest = std::numeric_limits<double>::infinity();
      for (const std::vector<Tensor>& sibling : accepted)
        nearest = std::min(nearest, mean_distance(backend, grams, sibling));
      if (!accepted.empty()) draw.nearest_distance = nearest;
      const bool distinct = accepted.empty() || nearest >= double(config.min_distance);
      if (distinct || draw.redraws == config.max_redraws) {
        draw.gave_up = !distinct;
        accepted.push_back(std::move(grams));
        break;
      }
      ++draw.redraws;
      draw.counter = next_unused++;
    }
  }
  return draws;
}

}  // namespace nsrg
