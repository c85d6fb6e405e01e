// The blend step of a render's kept styles and the Grams it makes.
#include "engine/stages/style_blend.h"

#include "engine/core/error.h"
#include "engine/stages/image_style_targets.h"
#include "weights/sha256.h"

namespace nsrg {

StyleBlendStep style_blend_step(const RenderConfig& config) {
  NSRG_CHECK(config.style_targets.size() == config.style_blend_weights.size(),
             "style_blend_step: ", config.style_targets.size(), " files and ",
             config.style_blend_weights.size(), " weights (checked when the config was loaded)");
  StyleBlendStep step;
  step.space = config.style_blend_space;
  for (size_t i = 0; i < config.style_targets.size(); ++i)
    step.parents.push_back({config.style_targets[i], sha256_file_hex(config.style_targets[i]),
                            config.style_blend_weights[i]});
  return step;
}

std::map<std::string, Tensor> blend_kept_styles(Backend& backend, const Network& network,
                                                const StyleBlendStep& step,
                                                const std::vector<std::string>& layers,
                                                std::vector<std::string>& notes) {
  NSRG_CHECK(!step.parents.empty(), "blend_kept_styles: no parent");
  std::vector<std::map<std::string, Tensor>> parents;
  for (const BlendedFile& parent : step.parents) {
    if (!parent.sha256.empty() && sha256_file_hex(parent.file) != parent.sha256)
      throw UserError(msg(parent.file, ": the file has changed (its SHA-256 is not the recorded ",
                          parent.sha256, ")"));
    parents.push_back(load_style_targets(backend, network, parent.file, layers));
  }
  std::vector<float> weights;
  for (const BlendedFile& parent : step.parents) weights.push_back(parent.weight);
  return blend_parent_grams(backend, std::move(parents), weights, step.space, layers, notes);
}

std::map<std::string, Tensor> blend_parent_grams(Backend& backend,
                                                 std::vector<std::map<std::string, Tensor>> parents,
                                                 const std::vector<float>& weights,
                                                 BlendSpace space,
                                                 const std::vector<std::string>& layers,
                                                 std::vector<std::string>& notes) {
  NSRG_CHECK(!parents.empty() && parents.size() == weights.size(),
             "blend_parent_grams: ", parents.size(), " parents and ", weights.size(), " weights");
  if (parents.size() == 1) return std::move(parents.front());
  std::map<std::string, Tensor> blended;
  for (const std::string& layer : layers) {
    std::vector<const Tensor*> grams;
    for (const auto& grams_of_parent : parents) grams.push_back(&grams_of_parent.at(layer));
    Tensor out = backend.empty(grams.front()->shape());
    const BlendReport report = blend_grams(backend, grams, weights, space, out);
    if (report.iterations > 0)
      notes.push_back(msg("style blend: the Wasserstein barycenter of ", layer,
                          report.converged ? " converged in " : " stopped unconverged after ",
                          report.iterations, " iterations (last change ", report.last_change,
                          ", tolerance ", kBarycenterTolerance, ")"));
    blended.emplace(layer, std::move(out));
  }
  return blended;
}

}  // namespace nsrg
