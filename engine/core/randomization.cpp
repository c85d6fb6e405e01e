// Style randomization: mode and distribution names, and randomize_target (eigendecomposition
// on the backend when the mode needs it, then the backend's randomize_gram).
#include "engine/core/randomization.h"

#include "engine/core/backend.h"
#include "engine/core/error.h"

namespace nsrg {

namespace {
constexpr RandomizeMode kModes[] = {RandomizeMode::None, RandomizeMode::ScaleEigenvectors,
                                    RandomizeMode::ReplaceEigenvectors, RandomizeMode::RandomGram,
                                    RandomizeMode::ScaleEigenvalues};
constexpr RandomDistribution kDistributions[] = {RandomDistribution::Uniform,
                                                 RandomDistribution::Normal};
}  // namespace

const char* randomize_mode_name(RandomizeMode mode) {
  switch (mode) {
    case RandomizeMode::None:
      return "none";
    case RandomizeMode::ScaleEigenvectors:
      return "scale_eigenvectors";
    case RandomizeMode::ReplaceEigenvectors:
      return "replace_eigenvectors";
    case RandomizeMode::RandomGram:
      return "random_gram";
    case RandomizeMode::ScaleEigenvalues:
      return "scale_eigenvalues";
  }
  throw InternalError(msg("unknown RandomizeMode ", int(mode)));
}

const char* random_distribution_name(RandomDistribution distribution) {
  switch (distribution) {
    case RandomDistribution::Uniform:
      return "uniform";
    case RandomDistribution::Normal:
      return "normal";
  }
  throw InternalError(msg("unknown RandomDistribution ", int(distribution)));
}

RandomizeMode parse_randomize_mode(const std::string& name) {
  std::string accepted;
  for (RandomizeMode mode : kModes) {
    if (name == randomize_mode_name(mode)) return mode;
    accepted += accepted.empty() ? "" : ", ";
    accepted += randomize_mode_name(mode);
  }
  throw UserError(
      msg("unknown style randomization mode '", name, "' (expected one of ", accepted, ")"));
}

RandomDistribution parse_random_distribution(const std::string& name) {
  std::string accepted;
  for (RandomDistribution distribution : kDistributions) {
    if (name == random_distribution_name(distribution)) return distribution;
    accepted += accepted.empty() ? "" : ", ";
    accepted += random_distribution_name(distribution);
  }
  throw UserError(msg("unknown random distribution '", name, "' (expected one of ", accepted, ")"));
}

void randomize_target(Backend& backend, const Tensor& gram, const GramRandomization& params,
                      Tensor& target) {
  const Shape& shape = gram.shape();
  NSRG_CHECK(shape.n == 1 && shape.c == 1 && shape.h == shape.w && shape.h > 0,
             "randomize_target: gram must be [1,1,C,C], got ", shape.str());
  const int channels = shape.h;
  if (params.mode == RandomizeMode::None || params.mode == RandomizeMode::RandomGram) {
    const Tensor unused_eigenvalues, unused_eigenvectors;
    backend.randomize_gram(gram, unused_eigenvalues, unused_eigenvectors, params, target);
    return;
  }
  Tensor eigenvalues = backend.empty(Shape{1, 1, 1, channels});
  Tensor eigenvectors = backend.empty(Shape{1, 1, channels, channels});
  backend.symmetric_eigen(gram, eigenvalues, eigenvectors);
  backend.randomize_gram(gram, eigenvalues, eigenvectors, params, target);
}

}  // namespace nsrg
