// The sequential network (conv, ReLU, pooling) built from a Model on a Backend: forward to
// a chosen layer keeping every activation, and backward from there to the input with
// gradients injected at the loss layers.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/core/backend.h"
#include "weights/model.h"

namespace nsrg {

// The buffers Network::forward allocates for one input shape, up to layer `last`: every
// layer's output shape, which layer's buffer holds each output (a ReLU after a convolution
// whose own output is not kept runs in place), and the size of the two gradient buffers of
// the backward pass (the largest of the input and the outputs). The memory plan counts the
// same buffers from this.
struct NetworkBuffers {
  std::vector<Shape> shapes;    // [0] the input, [i+1] layer i's output (i <= last)
  std::vector<int> storage_of;  // per layer: the layer whose buffer holds its output; -1 past last
  size_t largest = 0;           // elements of the largest of the input and the outputs

  // Bytes of the layers' own output buffers.
  size_t output_bytes() const;
  // Whether these buffers can hold `other`'s: the same layers share buffers up to other's
  // last layer, and each of other's own buffers has no more elements than this one's.
  bool holds(const NetworkBuffers& other) const;
};

class Network {
 public:
  // Uploads the weights of `model` to the backend. pooling "avg" replaces every max pool
  // by an average pool of the same geometry (neural-style's -pooling avg).
  Network(Backend& backend, const Model& model, PoolKind pooling);

  int layer_count() const { return int(layers_.size()); }
  const LayerSpec& layer(int index) const { return layers_[index]; }
  // The layers as this network runs them (pooling "avg" applied).
  const std::vector<LayerSpec>& layers() const { return layers_; }
  int index_of(const std::string& name) const;  // -1 when absent
  const Preprocess& preprocess() const { return preprocess_; }

  // Keeps layer `index`'s own output buffer even when a ReLU follows (a loss reads a conv
  // layer's output); call before forward().
  void keep_output(int index);

  // Allocates the buffers for inputs up to `largest` through layer `last` (released first
  // when the current ones cannot hold them). Until a forward pass needs a buffer they cannot
  // hold, forward() then runs every smaller input in views of these buffers instead of
  // reallocating (tiled evaluation: one allocation for the largest crop, whatever the crops'
  // order). Does nothing when the reserved buffers hold `largest` already.
  void reserve(const Shape& largest, int last);

  // Runs layers 0..last on `input` ([1,C,H,W]); activations are kept for backward().
  // Buffers are (re)allocated when the input shape changes, the old ones released first,
  // unless reserved buffers hold the new shape's. A convolution whose ReLU overwrites it in
  // place runs with that ReLU as one Backend::conv_relu_forward.
  void forward(const Tensor& input, int last);

  // Output of layer `index` from the last forward().
  const Tensor& activation(int index) const;
  Shape activation_shape(int index) const { return shapes_[index + 1]; }

  // Backward from layer `last` (as run by forward) to the input. add_loss_gradient(index,
  // grad) is called for every layer from last down to 0 with the gradient with respect to
  // that layer's output (zero at `last`), and may add its loss gradient into it. The result,
  // the gradient with respect to the input, is written to input_grad.
  void backward(int last, const std::function<void(int, Tensor&)>& add_loss_gradient,
                Tensor& input_grad);

  // UserError naming the layer when `in` (layer's input, for an image of `image`) is smaller
  // than the layer's window; used by plan_buffers().
  static void require_window_fits(const LayerSpec& layer, const Shape& in, const Shape& image);

  // The buffers for `input` up to `last`; keep_conv_output[i]: layer i is a convolution whose
  // own output a loss reads (keep_output), so the ReLU after it cannot run in place.
  static NetworkBuffers plan_buffers(const std::vector<LayerSpec>& layers,
                                     const std::vector<bool>& keep_conv_output, const Shape& input,
                                     int last);

  // Channels of layer `index`'s output: those of the nearest convolution at or before it (3,
  // the image's, when there is none).
  static int output_channels(const std::vector<LayerSpec>& layers, int index);
  int output_channels(int index) const { return output_channels(layers_, index); }

  // FLOPs of one forward pass to `last` at the current shapes (convolutions only).
  double forward_flops(int last) const;

 private:
  struct ConvWeights {
    Tensor weight, bias;
  };
  void allocate(const Shape& input_shape, int last);
  // True when layer index + 1 (within last) is a ReLU overwriting layer index's output.
  bool relu_follows_in_place(int index, int last) const;
  // Releases the buffers, allocates `buffers`' and views them at their shapes.
  void allocate_storage(const NetworkBuffers& buffers, int last);
  // Views of the buffers at `buffers`' shapes (which they hold).
  void view_storage(const NetworkBuffers& buffers, int last);

  Backend& backend_;
  std::vector<LayerSpec> layers_;
  std::vector<ConvWeights> weights_;  // per layer, empty for non-conv layers
  Preprocess preprocess_;
  std::vector<Shape> shapes_;    // shapes_[0] input, shapes_[i+1] output of layer i
  std::vector<Tensor> storage_;  // own buffers (empty for in-place ReLU)
  std::vector<Tensor> outputs_;  // views of storage_ at the current shapes
  NetworkBuffers reserved_;      // what reserve() allocated; empty shapes when not reserved
  std::vector<int> storage_of_;  // which layer's buffer holds layer i's output
  std::vector<bool> keep_conv_output_;
  const Tensor* input_ = nullptr;
  int allocated_last_ = -1;
  Tensor grad_a_, grad_b_;  // ping-pong gradient buffers (largest activation)
};

}  // namespace nsrg
