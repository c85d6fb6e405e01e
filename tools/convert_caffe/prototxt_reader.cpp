// The prototxt reader: protobuf's TextFormat parser on our schema, errors collected as text.
#include "tools/convert_caffe/prototxt_reader.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <fstream>
#include <sstream>

#include "engine/core/error.h"
#include "tools/convert_caffe/legacy_v1.h"

namespace nsrg {
namespace {

// Keeps the first parse error ("line:column: message").
class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (first_error.empty()) first_error = msg(line + 1, ":", column + 1, ": ", message);
  }
  void AddWarning(int, int, const std::string&) override {}
  std::string first_error;
};

// Caffe definitions nest 3 or 4 deep; protobuf's own limit for known fields is 100.
constexpr int kMaxNesting = 100;

// Throws UserError when a message nests deeper than kMaxNesting. protobuf skips unknown
// fields (which we allow) by recursing without its recursion limit, so the text is
// scanned first: braces and angle brackets outside strings and comments.
void check_nesting(const std::string& text, const std::string& path) {
  int depth = 0, line = 1;
  char quote = 0;  // the open string's quote character, or 0
  bool comment = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      comment = false;
      quote = 0;  // protobuf's strings end at the line
    } else if (comment) {
    } else if (quote) {
      if (c == '\\' && i + 1 < text.size() && text[i + 1] != '\n')
        ++i;
      else if (c == quote)
        quote = 0;
    } else if (c == '#') {
      comment = true;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '{' || c == '<') {
      if (++depth > kMaxNesting)
        throw UserError(msg(path, ":", line, ": messages nest deeper than ", kMaxNesting,
                            " levels (a Caffe network definition nests 3 or 4)"));
    } else if ((c == '}' || c == '>') && depth > 0) {
      --depth;
    }
  }
}

}  // namespace

CaffeNet read_prototxt(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw UserError(msg(path, ": cannot open"));
  std::ostringstream text;
  text << file.rdbuf();
  if (!file && !file.eof()) throw UserError(msg(path, ": read error"));

  check_nesting(text.str(), path);
  caffe::NetParameter net;
  google::protobuf::TextFormat::Parser parser;
  parser.SetRecursionLimit(kMaxNesting);
  FirstErrorCollector errors;
  parser.RecordErrorsTo(&errors);
  parser.AllowUnknownField(true);
  if (!parser.ParseFromString(text.str(), &net)) {
    throw UserError(msg(
        path, ": ", errors.first_error.empty() ? "not a network definition" : errors.first_error));
  }
  if (net.layer_size() > 0 && net.layers_size() > 0) {
    throw UserError(msg(path, ": holds both legacy 'layers' and current 'layer' entries"));
  }
  CaffeNet result;
  result.path = path;
  result.file_size = text.str().size();
  result.name = net.name();
  result.format = net.layers_size() > 0 ? CaffeFormat::LegacyV1 : CaffeFormat::Current;
  for (auto& v1 : *net.mutable_layers()) result.layers.push_back(upgrade_v1_layer(v1, path));
  for (auto& layer : *net.mutable_layer()) result.layers.push_back(std::move(layer));
  return result;
}

}  // namespace nsrg
