// Network: forward and backward of the sequential conv/ReLU/pool chain on a Backend.
#include "engine/net/network.h"

#include <algorithm>

#include "engine/core/error.h"

namespace nsrg {

Network::Network(Backend& backend, const Model& model, PoolKind pooling)
    : backend_(backend), layers_(model.layers), preprocess_(model.preprocess) {
  weights_.resize(layers_.size());
  keep_conv_output_.assign(layers_.size(), false);
  for (size_t i = 0; i < layers_.size(); ++i) {
    LayerSpec& layer = layers_[i];
    if (layer.type == LayerType::MaxPool && pooling == PoolKind::Average) {
      layer.type = LayerType::AvgPool;
      layer.pool.kind = PoolKind::Average;
    }
    if (layer.type != LayerType::Conv) continue;
    const HostTensor& w = model.tensors.at(layer.name + ".weight");
    const HostTensor& b = model.tensors.at(layer.name + ".bias");
    weights_[i].weight = backend_.from_host(layer.conv.weight_shape(), w.data.data());
    weights_[i].bias = backend_.from_host(layer.conv.bias_shape(), b.data.data());
  }
}

int Network::index_of(const std::string& name) const {
  for (size_t i = 0; i < layers_.size(); ++i)
    if (layers_[i].name == name) return int(i);
  return -1;
}

void Network::keep_output(int index) {
  NSRG_CHECK(index >= 0 && index < layer_count(), "layer index ", index);
  if (!keep_conv_output_[index]) {
    keep_conv_output_[index] = true;
    allocated_last_ = -1;  // force re-allocation
  }
}

// An image too small for the network (each pooling layer halves it) is the user's choice of
// image_size or style_scale, not an internal failure: say which layer it does not reach.
void Network::require_window_fits(const LayerSpec& layer, const Shape& in, const Shape& image) {
  int kernel_h = 1, kernel_w = 1, pad_h = 0, pad_w = 0;
  if (layer.type == LayerType::Conv) {
    kernel_h = layer.conv.kernel_h, kernel_w = layer.conv.kernel_w;
    pad_h = layer.conv.pad_h, pad_w = layer.conv.pad_w;
  } else if (layer.type == LayerType::MaxPool || layer.type == LayerType::AvgPool) {
    kernel_h = layer.pool.kernel_h, kernel_w = layer.pool.kernel_w;
    pad_h = layer.pool.pad_h, pad_w = layer.pool.pad_w;
  }
  NSRG_REQUIRE(in.h + 2 * pad_h >= kernel_h && in.w + 2 * pad_w >= kernel_w, "an image of ",
               image.w, "x", image.h, " px is too small for layer ", layer.name,
               " (it reaches it as ", in.w, "x", in.h, ", smaller than its ", kernel_w, "x",
               kernel_h, " window): raise image_size or style_scale, or use shallower layers");
}

size_t NetworkBuffers::output_bytes() const {
  size_t bytes = 0;
  for (size_t i = 0; i < storage_of.size(); ++i)
    if (storage_of[i] == int(i)) bytes += shapes[i + 1].numel() * sizeof(float);
  return bytes;
}

NetworkBuffers Network::plan_buffers(const std::vector<LayerSpec>& layers,
                                     const std::vector<bool>& keep_conv_output, const Shape& input,
                                     int last) {
  NetworkBuffers buffers;
  buffers.shapes.assign(layers.size() + 1, Shape{});
  buffers.shapes[0] = input;
  buffers.storage_of.assign(layers.size(), -1);
  buffers.largest = input.numel();
  for (int i = 0; i <= last; ++i) {
    const LayerSpec& layer = layers[i];
    const Shape& in = buffers.shapes[i];
    require_window_fits(layer, in, input);
    switch (layer.type) {
      case LayerType::Conv:
        buffers.shapes[i + 1] = layer.conv.output_shape(in);
        break;
      case LayerType::Relu:
        buffers.shapes[i + 1] = in;
        break;
      case LayerType::MaxPool:
      case LayerType::AvgPool:
        buffers.shapes[i + 1] = layer.pool.output_shape(in);
        break;
    }
    buffers.largest = std::max(buffers.largest, buffers.shapes[i + 1].numel());
    // A ReLU overwrites its input when that input is a conv output nobody else needs later:
    // conv backward-data does not read its output, and losses sit on ReLU outputs unless a
    // config names a conv layer, in which case the conv keeps its own buffer.
    const bool in_place = i > 0 && layer.type == LayerType::Relu &&
                          layers[i - 1].type == LayerType::Conv && !keep_conv_output[i - 1];
    buffers.storage_of[i] = in_place ? buffers.storage_of[i - 1] : i;
  }
  return buffers;
}

int Network::output_channels(const std::vector<LayerSpec>& layers, int index) {
  for (int i = index; i >= 0; --i)
    if (layers[size_t(i)].type == LayerType::Conv) return layers[size_t(i)].conv.out_channels;
  return 3;
}

bool NetworkBuffers::holds(const NetworkBuffers& other) const {
  if (shapes.empty() || other.shapes.empty() || shapes[0].c != other.shapes[0].c) return false;
  for (size_t i = 0; i < other.storage_of.size() && other.storage_of[i] >= 0; ++i) {
    if (i >= storage_of.size() || storage_of[i] != other.storage_of[i]) return false;
    if (other.storage_of[i] == int(i) && other.shapes[i + 1].numel() > shapes[i + 1].numel())
      return false;
  }
  return true;
}

void Network::view_storage(const NetworkBuffers& buffers, int last) {
  shapes_ = buffers.shapes;
  storage_of_ = buffers.storage_of;
  outputs_.clear();
  outputs_.resize(layers_.size());
  for (int i = 0; i <= last; ++i)
    if (storage_of_[i] == i) outputs_[i] = storage_[i].view(shapes_[i + 1]);
  if (grad_a_.numel() < buffers.largest) {
    grad_a_ = backend_.empty({1, 1, 1, int(buffers.largest)});
    grad_b_ = backend_.empty({1, 1, 1, int(buffers.largest)});
  }
  allocated_last_ = last;
}

void Network::allocate_storage(const NetworkBuffers& buffers, int last) {
  outputs_.clear();
  storage_.clear();
  reserved_ = NetworkBuffers();
  storage_.resize(layers_.size());
  for (int i = 0; i <= last; ++i)
    if (buffers.storage_of[i] == i) storage_[i] = backend_.empty(buffers.shapes[i + 1]);
  view_storage(buffers, last);
}

void Network::allocate(const Shape& input_shape, int last) {
  if (!shapes_.empty() && shapes_[0] == input_shape && allocated_last_ >= last) return;
  const NetworkBuffers buffers = plan_buffers(layers_, keep_conv_output_, input_shape, last);
  if (reserved_.holds(buffers))
    view_storage(buffers, last);
  else
    allocate_storage(buffers, last);
}

void Network::reserve(const Shape& largest, int last) {
  NSRG_CHECK(last >= 0 && last < layer_count(), "reserve to layer ", last);
  const NetworkBuffers buffers = plan_buffers(layers_, keep_conv_output_, largest, last);
  if (reserved_.holds(buffers)) return;
  allocate_storage(buffers, last);
  reserved_ = buffers;
}

const Tensor& Network::activation(int index) const {
  NSRG_CHECK(index >= 0 && index <= allocated_last_, "activation ", index, " not computed");
  return outputs_[storage_of_[index]];
}

bool Network::relu_follows_in_place(int index, int last) const {
  return index + 1 <= last && layers_[size_t(index) + 1].type == LayerType::Relu &&
         storage_of_[size_t(index) + 1] == storage_of_[size_t(index)];
}

void Network::forward(const Tensor& input, int last) {
  NSRG_CHECK(last >= 0 && last < layer_count(), "forward to layer ", last);
  allocate(input.shape(), last);
  input_ = &input;
  for (int i = 0; i <= last; ++i) {
    const Tensor& x = i == 0 ? input : activation(i - 1);
    Tensor& y = outputs_[storage_of_[i]];
    const LayerSpec& layer = layers_[i];
    switch (layer.type) {
      case LayerType::Conv:
        if (relu_follows_in_place(i, last)) {
          // Nobody reads the pre-ReLU values: the ReLU runs with the convolution.
          backend_.conv_relu_forward(layer.conv, x, weights_[i].weight, weights_[i].bias, y);
          ++i;
        } else {
          backend_.conv_forward(layer.conv, x, weights_[i].weight, weights_[i].bias, y);
        }
        break;
      case LayerType::Relu:
        backend_.relu_forward(x, y);
        break;
      case LayerType::MaxPool:
      case LayerType::AvgPool:
        backend_.pool_forward(layer.pool, x, y);
        break;
    }
  }
}

void Network::backward(int last, const std::function<void(int, Tensor&)>& add_loss_gradient,
                       Tensor& input_grad) {
  NSRG_CHECK(input_ != nullptr && last <= allocated_last_, "backward before forward");
  Tensor* current = &grad_a_;
  Tensor* spare = &grad_b_;
  Tensor dy = current->view(shapes_[last + 1]);
  backend_.fill(dy, 0.0f);
  for (int i = last; i >= 0; --i) {
    add_loss_gradient(i, dy);
    const LayerSpec& layer = layers_[i];
    const bool first = i == 0;
    Tensor next = first ? Tensor() : spare->view(shapes_[i]);
    Tensor& dx = first ? input_grad : next;
    const Tensor& x = first ? *input_ : activation(i - 1);
    switch (layer.type) {
      case LayerType::Conv:
        backend_.conv_backward_data(layer.conv, dy, weights_[i].weight, dx);
        break;
      case LayerType::Relu:
        if (first) {
          backend_.relu_backward(activation(i), dy, dx);
        } else {
          // In place: dy becomes dx; the buffers need not swap.
          backend_.relu_backward(activation(i), dy, dy);
          continue;
        }
        break;
      case LayerType::MaxPool:
      case LayerType::AvgPool:
        backend_.pool_backward(layer.pool, x, activation(i), dy, dx);
        break;
    }
    if (!first) {
      std::swap(current, spare);
      dy = current->view(shapes_[i]);
    }
  }
}

double Network::forward_flops(int last) const {
  double flops = 0;
  for (int i = 0; i <= last && i <= allocated_last_; ++i)
    if (layers_[i].type == LayerType::Conv) flops += layers_[i].conv.flops(shapes_[i]);
  return flops;
}

}  // namespace nsrg
