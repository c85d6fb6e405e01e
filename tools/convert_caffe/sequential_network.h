// Finding the sequential chain of Convolution, ReLU and Pooling layers in a Caffe network
// and turning it into the engine's architecture and weight tensors.
//
// Layers are visited in file order. Data layers (no inputs), losses, accuracy, Softmax and
// other layers whose outputs nothing in the chain reads are skipped; Split and Dropout (the
// identity at inference) pass their input through. The chain starts at the first chain
// layer reading the network input and ends at the first InnerProduct layer reading its last
// output (the fully-connected classifier; kept only on request, outside the architecture).
// Anything else that would change what the chain computes "breaks" it:
//  - a layer that changes the chain's last output in place (PReLU, BatchNorm, Scale, ...),
//  - a chain layer reading a blob computed by another kind of layer (LRN, Eltwise, ...),
//  - a chain layer reading an older blob or the network input again (a branch),
//  - a variant the engine cannot run (grouped/dilated convolution, global/stochastic pool,
//    leaky ReLU).
// A break is an error naming the layer; with truncation allowed, the network is cut before
// it instead: every layer kept computes exactly what it computes in the Caffe network.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tools/convert_caffe/caffe_net.h"
#include "weights/model.h"

namespace nsrg {

struct ChainOptions {
  bool keep_fully_connected = false;
  bool truncate_at_unsupported = false;
};

// A tensor to write: points into the CaffeNet's blobs or into SequentialNetwork::owned.
struct NetworkTensor {
  std::string name;
  std::vector<int64_t> shape;
  const float* data = nullptr;
};

struct SequentialNetwork {
  std::vector<LayerSpec> layers;
  // "<conv>.weight" [K,C,kh,kw] and "<conv>.bias" [K] in network order, then, when kept,
  // "<fc>.weight" [out,in] and "<fc>.bias" [out].
  std::vector<NetworkTensor> tensors;
  std::vector<std::vector<float>> owned;  // zero biases, transposed FC weights
  int input_channels = 0;
  int convolution_count = 0, relu_count = 0, pooling_count = 0;
  uint64_t convolution_parameters = 0;
  uint64_t fully_connected_parameters = 0;
  std::vector<std::string> fully_connected_kept, fully_connected_dropped;
  // Convolutions with no parameters in the caffemodel or the definition: their kernel comes
  // from the weights, stride 1 and pad 0 are Caffe's defaults (a guess worth a warning).
  std::vector<std::string> convolutions_with_default_parameters;
  // With truncation: "layer 'norm1' (LRN): <why>" for the layer the network was cut before.
  std::string cut_before;
};

// `definition` (may be null) is the network's prototxt: its Convolution, Pooling and
// InnerProduct parameters are used for layers of the same name whose parameters the
// caffemodel lacks. Throws UserError("<caffemodel>: layer '<name>' (<type>): ...") for a
// break (without truncation), bad blobs or parameters, or a network with no convolution.
// The result points into `net`, which must outlive it.
SequentialNetwork build_sequential_network(const CaffeNet& net, const CaffeNet* definition,
                                           const ChainOptions& options);

}  // namespace nsrg
