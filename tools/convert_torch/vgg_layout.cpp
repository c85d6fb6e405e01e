// VGG recognition: the conv tensors of a state_dict compared, name by name and shape by
// shape, with each VGG configuration (torchvision's make_layers order: conv, ReLU, and a
// max pool after each block).
#include "tools/convert_torch/vgg_layout.h"

#include <algorithm>
#include <map>

#include "engine/core/error.h"
#include "engine/core/utf8.h"

namespace nsrg {
namespace {

struct VggConfig {
  const char* name;
  const char* title;
  int convs_per_block[5];
};
constexpr VggConfig kConfigs[] = {{"vgg11", "VGG-11", {1, 1, 2, 2, 2}},
                                  {"vgg13", "VGG-13", {2, 2, 2, 2, 2}},
                                  {"vgg16", "VGG-16", {2, 2, 3, 3, 3}},
                                  {"vgg19", "VGG-19", {2, 2, 4, 4, 4}}};
constexpr int kBlockChannels[5] = {64, 128, 256, 512, 512};

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? "," : "") + std::to_string(shape[i]);
  return text + "]";
}

bool ends_with(const std::string& text, const std::string& tail) {
  return text.size() >= tail.size() &&
         text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}
bool starts_with(const std::string& text, const std::string& head) {
  return text.compare(0, head.size(), head) == 0;
}

// "features.12.weight" -> 12 (or -1); digits only, no sign, no leading zeros.
long feature_index(const std::string& name, const std::string& prefix) {
  if (!starts_with(name, prefix)) return -1;
  const size_t dot = name.find('.', prefix.size());
  if (dot == std::string::npos || dot == prefix.size() || dot - prefix.size() > 4) return -1;
  const std::string digits = name.substr(prefix.size(), dot - prefix.size());
  if (digits.find_first_not_of("0123456789") != std::string::npos) return -1;
  if (digits.size() > 1 && digits[0] == '0') return -1;
  const std::string rest = name.substr(dot);
  if (rest != ".weight" && rest != ".bias") return -1;
  return std::stol(digits);
}

bool is_caffe_conv_name(const std::string& name) {
  // conv<block>_<n>.weight|bias
  const size_t dot = name.find('.');
  if (!starts_with(name, "conv") || dot == std::string::npos) return false;
  const std::string rest = name.substr(dot);
  return (rest == ".weight" || rest == ".bias") && name.find('_') < dot;
}

struct ExpectedConv {
  std::string caffe_name, source_prefix;  // "conv1_1", "features.0." or "conv1_1."
  std::vector<int64_t> weight_shape;
};

std::vector<ExpectedConv> expected_convs(const VggConfig& config, bool caffe_naming,
                                         std::vector<LayerSpec>& layers) {
  std::vector<ExpectedConv> convs;
  int feature = 0, in_channels = 3;
  for (int block = 0; block < 5; ++block) {
    for (int n = 1; n <= config.convs_per_block[block]; ++n) {
      const std::string suffix = std::to_string(block + 1) + "_" + std::to_string(n);
      const int out = kBlockChannels[block];
      convs.push_back(
          {"conv" + suffix,
           caffe_naming ? "conv" + suffix + "." : "features." + std::to_string(feature) + ".",
           {out, in_channels, 3, 3}});
      LayerSpec conv;
      conv.name = "conv" + suffix;
      conv.type = LayerType::Conv;
      conv.conv.out_channels = out;
      conv.conv.in_channels = in_channels;
      conv.conv.kernel_h = conv.conv.kernel_w = 3;
      conv.conv.stride_h = conv.conv.stride_w = 1;
      conv.conv.pad_h = conv.conv.pad_w = 1;
      layers.push_back(conv);
      LayerSpec relu;
      relu.name = "relu" + suffix;
      relu.type = LayerType::Relu;
      layers.push_back(relu);
      in_channels = out;
      feature += 2;
    }
    LayerSpec pool;
    pool.name = "pool" + std::to_string(block + 1);
    pool.type = LayerType::MaxPool;
    pool.pool.kernel_h = pool.pool.kernel_w = 2;
    pool.pool.stride_h = pool.pool.stride_w = 2;
    pool.pool.pad_h = pool.pool.pad_w = 0;
    pool.pool.ceil_mode = false;
    layers.push_back(pool);
    feature += 1;
  }
  return convs;
}

// The first way `convs` (name -> tensor) differs from `config`, or "" when it fits.
std::string mismatch(const VggConfig& config, bool caffe_naming,
                     const std::map<std::string, const NamedTensor*>& convs, VggLayout* layout) {
  std::vector<LayerSpec> layers;
  const std::vector<ExpectedConv> expected = expected_convs(config, caffe_naming, layers);
  std::map<std::string, const NamedTensor*> unused = convs;
  std::vector<std::pair<std::string, const NamedTensor*>> tensors;
  for (const ExpectedConv& conv : expected) {
    const std::pair<std::string, std::vector<int64_t>> parts[2] = {
        {"weight", conv.weight_shape}, {"bias", {conv.weight_shape[0]}}};
    for (const auto& [part, shape] : parts) {
      const std::string name = conv.source_prefix + part;
      const auto found = convs.find(name);
      if (found == convs.end()) return msg(name, " (", conv.caffe_name, ") is missing");
      if (found->second->record.shape != shape)
        return msg(name, " has shape ", shape_text(found->second->record.shape), ", ", config.title,
                   "'s ", conv.caffe_name, " has ", shape_text(shape));
      tensors.emplace_back(conv.caffe_name + "." + part, found->second);
      unused.erase(name);
    }
  }
  if (!unused.empty())
    return msg(unused.begin()->first, " ", shape_text(unused.begin()->second->record.shape),
               " is not a layer of ", config.title);
  if (layout) {
    layout->arch = config.name;
    layout->layers = std::move(layers);
    layout->tensors = std::move(tensors);
  }
  return "";
}

std::string seen_text(const std::map<std::string, const NamedTensor*>& convs) {
  std::vector<std::pair<long, std::string>> order;  // by feature index, then name
  for (const auto& [name, tensor] : convs) {
    if (!ends_with(name, ".weight")) continue;
    order.emplace_back(feature_index(name, "features."),
                       name.substr(0, name.size() - 7) + " " + shape_text(tensor->record.shape));
  }
  std::sort(order.begin(), order.end());
  std::string text;
  for (const auto& [index, item] : order) text += (text.empty() ? "" : ", ") + item;
  return text.empty() ? "none" : text;
}

}  // namespace

const std::vector<std::string>& vgg_arch_names() {
  static const std::vector<std::string> names{"vgg11", "vgg13", "vgg16", "vgg19"};
  return names;
}

VggLayout recognize_vgg(const std::string& path, const StateDict& state_dict,
                        const std::string& arch) {
  // DataParallel's "module." prefix, when every tensor has it.
  size_t skip = 0;
  if (std::all_of(state_dict.tensors.begin(), state_dict.tensors.end(),
                  [](const NamedTensor& t) { return starts_with(t.name, "module."); }))
    skip = 7;

  VggLayout layout;
  std::map<std::string, const NamedTensor*> feature_convs, caffe_convs;
  std::vector<std::string> other;
  for (const NamedTensor& tensor : state_dict.tensors) {
    const std::string name = tensor.name.substr(skip);
    if (ends_with(name, ".running_mean") || ends_with(name, ".running_var") ||
        ends_with(name, ".num_batches_tracked"))
      throw UserError(msg(path, ": tensor '", short_quote(tensor.name),
                          "' belongs to batch normalization; VGG with batch norm (vgg*_bn) "
                          "does not convert yet, only VGG-11/13/16/19 without it"));
    if (feature_index(name, "features.") >= 0) {
      feature_convs[name] = &tensor;
    } else if (is_caffe_conv_name(name)) {
      caffe_convs[name] = &tensor;
    } else if (feature_index(name, "classifier.") >= 0) {
      layout.dropped.push_back(name);
      if (starts_with(name, "classifier.1.") || starts_with(name, "classifier.4."))
        layout.caffe_classifier_names = true;
    } else if (std::string fc = name.substr(0, name.find('.'));
               fc == "fc6" || fc == "fc7" || fc == "fc8") {
      layout.dropped.push_back(name);
    } else {
      other.push_back(short_quote(tensor.name) + " " + shape_text(tensor.record.shape));
    }
  }
  if (!feature_convs.empty() && !caffe_convs.empty())
    throw UserError(msg(path, ": mixes torchvision names (", feature_convs.begin()->first,
                        ") and Caffe names (", caffe_convs.begin()->first, ")"));
  const bool caffe_naming = !caffe_convs.empty();
  const auto& convs = caffe_naming ? caffe_convs : feature_convs;
  layout.naming = caffe_naming ? "caffe" : "features.N";
  if (!other.empty())
    throw UserError(msg(path, ": tensor ", other.front(), " is not part of a VGG network (",
                        other.size(), " such tensors; VGG conv layers seen: ", seen_text(convs),
                        ")"));

  if (!arch.empty()) {
    const VggConfig* config = nullptr;
    for (const VggConfig& candidate : kConfigs)
      if (arch == candidate.name) config = &candidate;
    if (config == nullptr)
      throw UserError(msg("--arch: unknown architecture '", short_quote(arch),
                          "' (known: vgg11, vgg13, vgg16, vgg19)"));
    const std::string why = mismatch(*config, caffe_naming, convs, &layout);
    if (!why.empty())
      throw UserError(msg(path, ": not ", config->title, " (--arch ", arch, "): ", why));
    return layout;
  }
  for (const VggConfig& config : kConfigs)
    if (mismatch(config, caffe_naming, convs, &layout).empty()) return layout;
  throw UserError(msg(path,
                      ": not a VGG-11/13/16/19 state_dict without batch norm; conv "
                      "weights seen: ",
                      seen_text(convs), " (--arch vgg19 etc. says what differs)"));
}

}  // namespace nsrg
