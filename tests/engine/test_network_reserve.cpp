// Network::reserve (tiled evaluation's one allocation for the largest crop): after it, inputs
// of every smaller shape run in views of the reserved buffers (every layer's activation stays
// at the same address: nothing is allocated), with activations and input gradients equal to the
// bit to a network that allocates for each shape; a larger input, or a deeper layer, leaves
// the reservation and allocates anew. The memory plan models the same rule
// (NetworkBuffers::holds).
#include <gtest/gtest.h>

#include <vector>

#include "engine/cpu/cpu_backend.h"
#include "engine/net/network.h"
#include "tests/engine/small_network_support.h"

namespace nsrg {
namespace {

// The input gradient of a backward pass from the last layer with dy = the activation (so
// every layer's values matter), and the last activation, at `input`.
struct Pass {
  std::vector<float> last_activation, input_gradient;
};

Pass run_pass(Backend& backend, Network& network, const HostTensor& input) {
  const Shape shape{1, 3, int(input.shape[2]), int(input.shape[3])};
  const Tensor x = backend.from_host(shape, input.data.data());
  const int last = network.layer_count() - 1;
  network.forward(x, last);
  Pass pass;
  pass.last_activation = backend.to_host(network.activation(last));
  Tensor grad = backend.empty(shape);
  network.backward(
      last,
      [&](int layer, Tensor& dy) {
        if (layer == last) backend.copy(network.activation(last), dy);
      },
      grad);
  pass.input_gradient = backend.to_host(grad);
  return pass;
}

TEST(NetworkReserve, SmallerInputsRunInTheReservedBuffersWithTheSameValues) {
  auto backend = make_cpu_backend();
  auto fresh_backend = make_cpu_backend();
  const Model model = small_model(LayerType::MaxPool);
  Network reserved(*backend, model, PoolKind::Max);
  const int last = reserved.layer_count() - 1;
  reserved.reserve({1, 3, 23, 31}, last);
  const auto addresses = [&] {
    std::vector<const float*> at;
    for (int i = 0; i <= last; ++i) at.push_back(reserved.activation(i).data());
    return at;
  };
  const std::vector<const float*> reserved_at = addresses();
  // Shapes in the order a tile plan's crops come: smaller, the largest, odd sizes.
  uint32_t seed = 10;
  for (const auto& [h, w] : std::vector<std::pair<int, int>>{{15, 31}, {23, 31}, {23, 9}, {7, 7}}) {
    const HostTensor input = random_host({1, 3, h, w}, seed++, 1.0f);
    const Pass pass = run_pass(*backend, reserved, input);
    Network fresh(*fresh_backend, model, PoolKind::Max);
    const Pass want = run_pass(*fresh_backend, fresh, input);
    EXPECT_EQ(pass.last_activation, want.last_activation) << h << "x" << w;
    EXPECT_EQ(pass.input_gradient, want.input_gradient) << h << "x" << w;
    EXPECT_EQ(addresses(), reserved_at) << h << "x" << w << ": reallocated";
    EXPECT_EQ(reserved.activation_shape(last), fresh.activation_shape(last));
  }
  // Reserving what is held already does nothing; a larger input allocates anew (and stays
  // correct).
  reserved.reserve({1, 3, 16, 16}, last);
  EXPECT_EQ(addresses(), reserved_at);
  const HostTensor larger = random_host({1, 3, 40, 24}, 20, 1.0f);
  const Pass pass = run_pass(*backend, reserved, larger);
  Network fresh(*fresh_backend, model, PoolKind::Max);
  EXPECT_EQ(pass.input_gradient, run_pass(*fresh_backend, fresh, larger).input_gradient);
}

TEST(NetworkBuffers, HoldsComparesEveryOwnBuffer) {
  const Model model = small_model(LayerType::MaxPool);
  const std::vector<bool> keep(model.layers.size(), false);
  const int last = int(model.layers.size()) - 1;
  const NetworkBuffers large = Network::plan_buffers(model.layers, keep, {1, 3, 20, 20}, last);
  EXPECT_TRUE(large.holds(Network::plan_buffers(model.layers, keep, {1, 3, 20, 11}, last)));
  EXPECT_TRUE(large.holds(Network::plan_buffers(model.layers, keep, {1, 3, 20, 20}, 1)));
  EXPECT_FALSE(large.holds(Network::plan_buffers(model.layers, keep, {1, 3, 21, 20}, last)));
  // A buffer of more elements in one layer but fewer in another: not held.
  EXPECT_FALSE(large.holds(Network::plan_buffers(model.layers, keep, {1, 3, 10, 41}, last)));
  // Another layer sharing (a kept conv output) is another layout: not held.
  std::vector<bool> kept = keep;
  kept[0] = true;
  EXPECT_FALSE(large.holds(Network::plan_buffers(model.layers, kept, {1, 3, 8, 8}, last)));
  // Nothing reserved holds nothing.
  EXPECT_FALSE(NetworkBuffers().holds(large));
  // Shallower reserved buffers do not hold a deeper pass.
  const NetworkBuffers shallow = Network::plan_buffers(model.layers, keep, {1, 3, 20, 20}, 1);
  EXPECT_FALSE(shallow.holds(Network::plan_buffers(model.layers, keep, {1, 3, 8, 8}, last)));
}

}  // namespace
}  // namespace nsrg
