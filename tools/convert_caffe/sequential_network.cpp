// The chain walk of build_sequential_network: blob provenance, breaks, layer specs, tensors.
#include "tools/convert_caffe/sequential_network.h"

#include <map>
#include <optional>
#include <set>

#include "engine/core/error.h"
#include "tools/convert_caffe/layer_geometry.h"
#include "engine/core/utf8.h"

namespace nsrg {
namespace {

// Where a blob's current value comes from. Blobs absent from the map are network inputs.
struct BlobSource {
  bool from_chain = false;
  size_t chain_index = 0;   // from_chain: the chain layer that wrote it
  std::string layer, type;  // otherwise: the layer that computed it
};

class ChainBuilder {
 public:
  ChainBuilder(const CaffeNet& net, const CaffeNet* definition, const ChainOptions& options)
      : net_(net), options_(options) {
    if (definition != nullptr) {
      for (const auto& layer : definition->layers) definitions_.emplace(layer.name(), &layer);
    }
  }

  SequentialNetwork build() {
    for (size_t i = 0; i < net_.layers.size() && !cut_; ++i) {
      const caffe::LayerParameter& layer = net_.layers[i];
      const std::string& type = layer.type();
      if ((type == "Split" || type == "Dropout") && layer.bottom_size() == 1) {
        pass_through(layer);
      } else if (type == "InnerProduct") {
        fully_connected(layer, i);
      } else if (ended_) {
        continue;  // after the classifier starts, nothing else is converted
      } else if (type == "Convolution" || type == "ReLU" || type == "Pooling") {
        chain_layer(layer, i);
      } else {
        other_layer(layer);
      }
    }
    if (result_.convolution_count == 0) {
      fail(msg("no Convolution layer to convert",
               result_.cut_before.empty() ? "" : " before " + result_.cut_before));
    }
    std::set<std::string> tensor_names;
    for (const auto& tensor : result_.tensors) {
      if (!tensor_names.insert(tensor.name).second)
        fail(msg("two tensors named '", tensor.name, "'"));
    }
    return std::move(result_);
  }

 private:
  [[noreturn]] void fail(const std::string& reason) const {
    throw UserError(msg(net_.path, ": ", reason));
  }
  std::string where(const caffe::LayerParameter& layer) const {
    return msg(net_.path, ": layer '", layer.name(), "' (", layer.type(), ")");
  }
  const caffe::LayerParameter* definition_of(const caffe::LayerParameter& layer) const {
    auto found = definitions_.find(layer.name());
    if (found == definitions_.end() || found->second->type() != layer.type()) return nullptr;
    return found->second;
  }
  const std::string& head_name() const { return result_.layers[head_].name; }
  bool is_head(const std::string& blob) const {
    auto found = sources_.find(blob);
    return started_ && found != sources_.end() && found->second.from_chain &&
           found->second.chain_index == head_;
  }

  // The chain cannot go on at `name`: an error, or with truncation the end of the network.
  void break_chain(const std::string& name, const std::string& type, const std::string& reason) {
    const std::string text = msg("layer '", name, "' (", type, "): ", reason);
    if (options_.truncate_at_unsupported && result_.convolution_count > 0) {
      cut_ = true;
      result_.cut_before = text;
      return;
    }
    fail(msg(text, options_.truncate_at_unsupported
                       ? "; no convolution comes before it"
                       : "; only a sequential chain of Convolution, ReLU and Pooling layers "
                         "converts (--truncate keeps the layers before it)"));
  }

  void check_name(const caffe::LayerParameter& layer, size_t index) const {
    if (layer.name().empty()) fail(msg("layer #", index + 1, " (", layer.type(), ") has no name"));
    if (!is_valid_utf8(layer.name())) {
      fail(msg("layer #", index + 1, " (", layer.type(), ") has a name that is not valid UTF-8"));
    }
  }

  void pass_through(const caffe::LayerParameter& layer) {
    auto source = sources_.find(layer.bottom(0));
    std::optional<BlobSource> copy;
    if (source != sources_.end()) copy = source->second;
    for (const auto& top : layer.top()) {
      if (copy) {
        sources_[top] = *copy;
      } else {
        sources_.erase(top);
      }
    }
  }

  void mark_computed(const caffe::LayerParameter& layer) {
    for (const auto& top : layer.top()) {
      if (layer.bottom_size() == 0) {
        sources_.erase(top);  // a data layer: a network input
      } else {
        sources_[top] = BlobSource{false, 0, layer.name(), layer.type()};
      }
    }
  }

  void other_layer(const caffe::LayerParameter& layer) {
    for (const auto& top : layer.top()) {
      for (const auto& bottom : layer.bottom()) {
        if (top == bottom && is_head(top)) {
          break_chain(layer.name(), layer.type(),
                      msg("changes '", top, "', the output of '", head_name(), "', in place"));
          return;
        }
      }
    }
    mark_computed(layer);
  }

  void chain_layer(const caffe::LayerParameter& layer, size_t index) {
    check_name(layer, index);
    if (layer.bottom_size() != 1 || layer.top_size() != 1) {
      break_chain(layer.name(), layer.type(),
                  msg("has ", layer.bottom_size(), " inputs and ", layer.top_size(), " outputs"));
      return;
    }
    const std::string& bottom = layer.bottom(0);
    auto source = sources_.find(bottom);
    if (source != sources_.end() && !source->second.from_chain) {
      break_chain(source->second.layer, source->second.type,
                  msg("computes '", bottom, "', which '", layer.name(), "' reads"));
      return;
    }
    if (started_ && source == sources_.end()) {
      break_chain(layer.name(), layer.type(),
                  msg("reads the network input '", bottom, "' instead of the output of '",
                      head_name(), "': the network branches"));
      return;
    }
    if (started_ && source->second.chain_index != head_) {
      break_chain(layer.name(), layer.type(),
                  msg("reads '", bottom, "', the output of '",
                      result_.layers[source->second.chain_index].name,
                      "', not of the previous layer '", head_name(), "': the network branches"));
      return;
    }
    if (!names_.insert(layer.name()).second) {
      fail(msg("two layers of the chain are named '", layer.name(), "'"));
    }
    try {
      append(layer);
    } catch (const UnsupportedLayer& unsupported) {
      break_chain(layer.name(), layer.type(), unsupported.what());
      return;
    }
    sources_[layer.top(0)] = BlobSource{true, head_, "", ""};
  }

  void append(const caffe::LayerParameter& layer) {
    LayerSpec spec;
    spec.name = layer.name();
    if (layer.type() == "Convolution") {
      spec.type = LayerType::Conv;
      spec.conv = convolution(layer);
      ++result_.convolution_count;
    } else if (layer.type() == "ReLU") {
      check_relu_supported(layer);
      spec.type = LayerType::Relu;
      ++result_.relu_count;
    } else {
      const caffe::LayerParameter* definition = definition_of(layer);
      const caffe::PoolingParameter* params = layer.has_pooling_param() ? &layer.pooling_param()
                                              : definition && definition->has_pooling_param()
                                                  ? &definition->pooling_param()
                                                  : nullptr;
      spec.pool = pooling_geometry(params, where(layer));
      spec.type = spec.pool.kind == PoolKind::Max ? LayerType::MaxPool : LayerType::AvgPool;
      ++result_.pooling_count;
    }
    result_.layers.push_back(spec);
    head_ = result_.layers.size() - 1;
    started_ = true;
  }

  // Bias presence: bias_term when parameters are given, else whether a second blob exists.
  const float* bias_data(const caffe::LayerParameter& layer, bool bias_term, bool explicit_term,
                         int64_t count) {
    const std::string at = where(layer);
    if (layer.blobs_size() > 2)
      fail(msg("layer '", layer.name(), "' has ", layer.blobs_size(), " blobs"));
    const bool has_bias_blob = layer.blobs_size() == 2;
    if (explicit_term && bias_term && !has_bias_blob) {
      throw UserError(msg(at, ": bias_term is true but there is no bias blob"));
    }
    if (explicit_term && !bias_term && has_bias_blob) {
      throw UserError(msg(at, ": bias_term is false but there is a bias blob"));
    }
    if (!has_bias_blob) {
      result_.owned.emplace_back(size_t(count), 0.0f);
      return result_.owned.back().data();
    }
    const std::vector<int64_t> dims = blob_dims(layer.blobs(1), at);
    if (element_count(dims) != count) {
      throw UserError(msg(at, ": bias of shape ", dims_text(dims), " for ", count, " outputs"));
    }
    return layer.blobs(1).data().data();
  }

  ConvGeometry convolution(const caffe::LayerParameter& layer) {
    const std::string at = where(layer);
    if (layer.blobs_size() == 0) throw UserError(msg(at, ": has no weights"));
    const caffe::LayerParameter* definition = definition_of(layer);
    const caffe::ConvolutionParameter* params =
        layer.has_convolution_param()                       ? &layer.convolution_param()
        : definition && definition->has_convolution_param() ? &definition->convolution_param()
                                                            : nullptr;
    if (params == nullptr) result_.convolutions_with_default_parameters.push_back(layer.name());
    const std::vector<int64_t> dims = blob_dims(layer.blobs(0), at);
    const ConvGeometry geometry = convolution_geometry(params, dims, at);
    if (channels_ == 0) {
      result_.input_channels = geometry.in_channels;
    } else if (geometry.in_channels != channels_) {
      throw UserError(msg(at, ": weights ", dims_text(dims), " expect ", geometry.in_channels,
                          " input channels but '", head_name(), "' gives ", channels_));
    }
    channels_ = geometry.out_channels;
    const int64_t outputs = geometry.out_channels;
    const float* bias =
        bias_data(layer, params ? params->bias_term() : true, params != nullptr, outputs);
    result_.tensors.push_back({layer.name() + ".weight", dims, layer.blobs(0).data().data()});
    result_.tensors.push_back({layer.name() + ".bias", {outputs}, bias});
    result_.convolution_parameters += uint64_t(element_count(dims) + outputs);
    return geometry;
  }

  void fully_connected(const caffe::LayerParameter& layer, size_t index) {
    if (started_ && !ended_ && layer.bottom_size() == 1 && is_head(layer.bottom(0))) {
      ended_ = true;  // the classifier begins: the chain is complete
    }
    mark_computed(layer);
    if (!options_.keep_fully_connected) {
      result_.fully_connected_dropped.push_back(layer.name());
      return;
    }
    const std::string at = where(layer);
    check_name(layer, index);
    if (layer.blobs_size() == 0) throw UserError(msg(at, ": has no weights"));
    const caffe::LayerParameter* definition = definition_of(layer);
    const caffe::InnerProductParameter* params =
        layer.has_inner_product_param()                       ? &layer.inner_product_param()
        : definition && definition->has_inner_product_param() ? &definition->inner_product_param()
                                                              : nullptr;
    std::vector<int64_t> dims = blob_dims(layer.blobs(0), at);
    while (dims.size() > 2 && dims.front() == 1) dims.erase(dims.begin());
    if (dims.size() != 2) throw UserError(msg(at, ": weights of shape ", dims_text(dims)));
    const bool transposed = params && params->transpose();
    const int64_t outputs = transposed ? dims[1] : dims[0];
    const int64_t inputs = transposed ? dims[0] : dims[1];
    if (params && params->has_num_output() && int64_t(params->num_output()) != outputs) {
      throw UserError(msg(at, ": num_output ", params->num_output(), " does not match its weights ",
                          dims_text(dims)));
    }
    const float* weights = layer.blobs(0).data().data();
    if (transposed) {  // stored [in, out]: write [out, in]
      std::vector<float> rows(size_t(outputs * inputs));
      for (int64_t i = 0; i < inputs; ++i) {
        for (int64_t o = 0; o < outputs; ++o)
          rows[size_t(o * inputs + i)] = weights[i * outputs + o];
      }
      result_.owned.push_back(std::move(rows));
      weights = result_.owned.back().data();
    }
    const float* bias =
        bias_data(layer, params ? params->bias_term() : true, params != nullptr, outputs);
    result_.tensors.push_back({layer.name() + ".weight", {outputs, inputs}, weights});
    result_.tensors.push_back({layer.name() + ".bias", {outputs}, bias});
    result_.fully_connected_parameters += uint64_t(outputs * inputs + outputs);
    result_.fully_connected_kept.push_back(layer.name());
  }

  const CaffeNet& net_;
  ChainOptions options_;
  std::map<std::string, const caffe::LayerParameter*> definitions_;
  std::map<std::string, BlobSource> sources_;
  std::set<std::string> names_;
  SequentialNetwork result_;
  bool started_ = false, ended_ = false, cut_ = false;
  size_t head_ = 0;
  int channels_ = 0;
};

}  // namespace

SequentialNetwork build_sequential_network(const CaffeNet& net, const CaffeNet* definition,
                                           const ChainOptions& options) {
  return ChainBuilder(net, definition, options).build();
}

}  // namespace nsrg
