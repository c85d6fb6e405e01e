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

class Network {
 public:
  // Uploads the weights of `model` to the backend. pooling "avg" replaces every max pool
  // by an average pool of the same geometry (neural-style's -pooling avg).
  Network(Backend& backend, const Model& model, PoolKind pooling);

  int layer_count() const { return int(layers_.size()); }
  const LayerSpec& layer(int index) const { return layers_[index]; }
  int index_of(const std::string& name) const;  // -1 when absent
  const Preprocess& preprocess() const { return preprocess_; }

  // Keeps layer `index`'s own output buffer even when a ReLU follows (a loss reads a conv
  // layer's output); call before forward().
  void keep_output(int index);

  // Runs layers 0..last on `input` ([1,C,H,W]); activations are kept for backward().
  // Buffers are (re)allocated when the input shape changes.
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
  // than the layer's window; used by allocate() and by the memory plan.
  static void require_window_fits(const LayerSpec& layer, const Shape& in, const Shape& image);

  // FLOPs of one forward pass to `last` at the current shapes (convolutions only).
  double forward_flops(int last) const;

 private:
  struct ConvWeights {
    Tensor weight, bias;
  };
  void allocate(const Shape& input_shape, int last);
  bool relu_in_place(int index) const;

  Backend& backend_;
  std::vector<LayerSpec> layers_;
  std::vector<ConvWeights> weights_;  // per layer, empty for non-conv layers
  Preprocess preprocess_;
  std::vector<Shape> shapes_;    // shapes_[0] input, shapes_[i+1] output of layer i
  std::vector<Tensor> outputs_;  // own buffers (empty for in-place ReLU)
  std::vector<int> storage_of_;  // which layer's buffer holds layer i's output
  std::vector<bool> keep_conv_output_;
  const Tensor* input_ = nullptr;
  int allocated_last_ = -1;
  Tensor grad_a_, grad_b_;  // ping-pong gradient buffers (largest activation)
};

}  // namespace nsrg
