// The two preprocessing presets and the table of published PyTorch VGG files that
// identifies a file's source.
#include "tools/convert_torch/preset.h"

#include "engine/core/error.h"
#include "tools/convert_common/source_note.h"

namespace nsrg {
namespace {

struct KnownFile {
  const char* hash_prefix;  // the 8 hex digits in the published file name
  const char* description;
  const char* preset;
};
constexpr KnownFile kKnownFiles[] = {
    {"8a719046", "torchvision's vgg11", "torchvision"},
    {"19584684", "torchvision's vgg13", "torchvision"},
    {"397923af", "torchvision's vgg16", "torchvision"},
    {"dcbb9e9d", "torchvision's vgg19", "torchvision"},
    {"00b39a1b", "neural-style-pt's vgg16 (Caffe weights)", "caffe"},
    {"d01eb7cb", "neural-style-pt's vgg19 (Caffe weights)", "caffe"},
};

Preprocess preset_preprocess(const std::string& name) {
  Preprocess p;  // Caffe: bgr, 255, ImageNet BGR mean, std 1
  if (name == "torchvision") {
    p.bgr = false;
    p.scale = 1.0f;
    p.mean = {0.485f, 0.456f, 0.406f};
    p.std = {0.229f, 0.224f, 0.225f};
  }
  return p;
}

}  // namespace

PresetChoice choose_preset(const std::string& requested, const std::string& path,
                           const std::string& sha256, const VggLayout& layout) {
  const auto chosen = [](const std::string& name, const std::string& reason) {
    return PresetChoice{name, preset_preprocess(name), reason};
  };
  if (!requested.empty()) {
    if (requested != "torchvision" && requested != "caffe")
      throw UserError(msg("--preset: '", requested, "' is not torchvision or caffe"));
    return chosen(requested, "--preset " + requested);
  }
  for (const KnownFile& known : kKnownFiles)
    if (sha256.compare(0, 8, known.hash_prefix) == 0)
      return chosen(known.preset,
                    msg("SHA-256 prefix ", known.hash_prefix, ": ", known.description));
  const std::string name = note_file_name(path);
  for (const KnownFile& known : kKnownFiles)
    if (name.find(known.hash_prefix) != std::string::npos)
      return chosen(known.preset, msg("file name ", known.hash_prefix, ": ", known.description));
  if (layout.caffe_classifier_names)
    return chosen("caffe", "classifier.1/.4 names of jcjohnson's Caffe VGG conversion");
  if (layout.naming == "caffe") return chosen("caffe", "Caffe layer names");
  throw UserError(msg(path,
                      ": cannot tell whose VGG weights these are (torchvision's: RGB "
                      "input normalized by ImageNet mean and std; or the Caffe weights of "
                      "neural-style-pt: BGR, 0-255, mean subtracted); give --preset "
                      "torchvision or --preset caffe"));
}

}  // namespace nsrg
