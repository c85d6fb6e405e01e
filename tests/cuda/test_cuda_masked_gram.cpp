// CUDA/CPU parity of mask_features (exact: one product per element, the same rule on both
// sides) and of a region's masked Gram and its backward (engine/net/masked_gram.h) with a
// grey mask, at several channel counts and image sizes.
#include <string>
#include <vector>

#include "engine/core/error.h"
#include "engine/net/masked_gram.h"
#include "tests/cuda/cuda_test_support.h"

namespace nsrg::test {
namespace {

using CudaMaskedGram = CudaParityTest;

const Shape kFeatureShapes[] = {{1, 3, 5, 7}, {1, 64, 16, 16}, {1, 130, 9, 13}, {1, 1, 4, 4}};

TEST_F(CudaMaskedGram, MaskFeaturesIsExactlyTheCpus) {
  unsigned seed = 300;
  for (const Shape& shape : kFeatureShapes) {
    TensorPair features = random_pair(shape, seed++);
    TensorPair mask = random_pair({1, 1, shape.h, shape.w}, seed++, 0.0f, 1.0f);
    TensorPair out = filled_pair(shape, 7.0f);
    cpu->mask_features(features.cpu, mask.cpu, out.cpu);
    cuda->mask_features(features.cuda, mask.cuda, out.cuda);
    EXPECT_EQ(cuda->to_host(out.cuda), cpu->to_host(out.cpu)) << shape.str();
  }
}

TEST_F(CudaMaskedGram, MaskedGramAndBackwardMatchCpu) {
  unsigned seed = 400;
  for (const Shape& shape : kFeatureShapes) {
    const int c = shape.c;
    const std::vector<float> mask_values =
        random_values(size_t(shape.h) * shape.w, seed++, 0.0f, 1.0f);
    double mass = 0;
    for (float v : mask_values) mass += double(v) * v;
    const float scale = masked_gram_scale(c, mass);
    TensorPair features = random_pair(shape, seed++);
    TensorPair mask = pair({1, 1, shape.h, shape.w}, mask_values);
    TensorPair masked = empty_pair(shape), scratch = empty_pair(shape);
    TensorPair gram = empty_pair({1, 1, c, c});
    masked_gram(*cpu, features.cpu, mask.cpu, scale, masked.cpu, gram.cpu);
    masked_gram(*cuda, features.cuda, mask.cuda, scale, masked.cuda, gram.cuda);
    expect_parity(gram, 1e-5, msg("masked gram of ", shape.str()));
    TensorPair dgram = random_pair({1, 1, c, c}, seed++);
    masked_gram_backward(*cpu, masked.cpu, mask.cpu, dgram.cpu, scale, scratch.cpu);
    masked_gram_backward(*cuda, masked.cuda, mask.cuda, dgram.cuda, scale, scratch.cuda);
    expect_parity(masked, 1e-5, msg("masked gram backward of ", shape.str()));
  }
}

}  // namespace
}  // namespace nsrg::test
