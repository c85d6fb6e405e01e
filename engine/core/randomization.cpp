// Style randomization: look-ups of the mode and distribution names, and randomize_target
// (eigendecomposition on the backend when the mode needs it, then the backend's randomize_gram).
#include "engine/core/randomization.h"

#include "engine/core/backend.h"
#include "engine/core/error.h"

namespace nsrg {

const char* randomize_mode_name(RandomizeMode mode) {
  if (const char* name = name_in(kRandomizeModeNames, mode)) return name;
  throw InternalError(msg("unknown RandomizeMode ", int(mode)));
}

const char* random_distribution_name(RandomDistribution distribution) {
  if (const char* name = name_in(kRandomDistributionNames, distribution)) return name;
  throw InternalError(msg("unknown RandomDistribution ", int(distribution)));
}

RandomizeMode parse_randomize_mode(const std::string& name) {
  if (std::optional<RandomizeMode> mode = value_in(kRandomizeModeNames, name)) return *mode;
  throw UserError(msg("unknown style randomization mode '", name, "' (expected one of ",
                      joined_names(kRandomizeModeNames), ")"));
}

RandomDistribution parse_random_distribution(const std::string& name) {
  if (std::optional<RandomDistribution> distribution = value_in(kRandomDistributionNames, name))
    return *distribution;
  throw UserError(msg("unknown random distribution '", name, "' (expected one of ",
                      joined_names(kRandomDistributionNames), ")"));
}

bool mode_uses_eigen(RandomizeMode mode) {
  return mode != RandomizeMode::None && mode != RandomizeMode::RandomGram;
}

GramEigen decompose_gram(Backend& backend, const Tensor& gram) {
  const int channels = gram.shape().h;
  GramEigen eigen{backend.empty(Shape{1, 1, 1, channels}),
                  backend.empty(Shape{1, 1, channels, channels})};
  backend.symmetric_eigen(gram, eigen.values, eigen.vectors);
  return eigen;
}

void randomize_target(Backend& backend, const Tensor& gram, const GramRandomization& params,
                      Tensor& target, const GramEigen* eigen) {
  const Shape& shape = gram.shape();
  NSRG_CHECK(shape.n == 1 && shape.c == 1 && shape.h == shape.w && shape.h > 0,
             "randomize_target: gram must be [1,1,C,C], got ", shape.str());
  if (!mode_uses_eigen(params.mode)) {
    const Tensor unused_eigenvalues, unused_eigenvectors;
    backend.randomize_gram(gram, unused_eigenvalues, unused_eigenvectors, params, target);
    return;
  }
  if (eigen != nullptr) {
    NSRG_CHECK(eigen->vectors.shape() == shape, "randomize_target: an eigendecomposition of ",
               eigen->vectors.shape().str(), " for a Gram of ", shape.str());
    backend.randomize_gram(gram, eigen->values, eigen->vectors, params, target);
    return;
  }
  const GramEigen made = decompose_gram(backend, gram);
  backend.randomize_gram(gram, made.values, made.vectors, params, target);
}

}  // namespace nsrg
