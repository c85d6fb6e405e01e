// The streaming caffemodel reader: a hand-written walk over NetParameter's top-level fields
// and each layer's fields, with protobuf's generated parsers for blobs and layer parameters.
#include "tools/convert_caffe/caffemodel_reader.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>

#include <climits>

#include "engine/core/error.h"
#include "tools/convert_caffe/hashing_file_input.h"
#include "tools/convert_caffe/legacy_v1.h"

namespace nsrg {

const char* caffe_format_name(CaffeFormat format) {
  return format == CaffeFormat::LegacyV1 ? "legacy V1" : "current";
}

namespace {

using google::protobuf::internal::WireFormatLite;
using google::protobuf::io::CodedInputStream;
using google::protobuf::io::CodedOutputStream;
using google::protobuf::io::StringOutputStream;

constexpr int kNetNameField = 1;
constexpr int kNetV1LayersField = 2;
constexpr int kNetLayerField = 100;
constexpr int kV1TypeField = 5, kV1BlobsField = 6;
constexpr int kLayerTypeField = 2, kLayerBlobsField = 7;
constexpr int kReadBlockBytes = 1 << 20;

// Frees a repeated field's storage (Clear keeps the capacity).
template <typename T>
void release(google::protobuf::RepeatedField<T>* field) {
  google::protobuf::RepeatedField<T> empty;
  field->Swap(&empty);
}

class CaffemodelParser {
 public:
  CaffemodelParser(const std::string& path, const CaffemodelReadOptions& options)
      : path_(path),
        options_(options),
        file_(path),
        stream_(&file_, kReadBlockBytes),
        in_(&stream_) {
    if (file_.file_size() == 0) fail("empty file, not a caffemodel");
    if (file_.file_size() > uint64_t(INT_MAX)) {
      fail(msg(file_.file_size(), " bytes is more than the 2 GiB a protobuf message can hold"));
    }
    in_.SetTotalBytesLimit(INT_MAX);
  }

  CaffeNet parse() {
    CaffeNet net;
    net.path = path_;
    net.file_size = file_.file_size();
    bool saw_v1 = false, saw_current = false;
    for (;;) {
      const int field_start = in_.CurrentPosition();
      const uint32_t tag = in_.ReadTag();
      if (tag == 0) {
        if (uint64_t(field_start) == file_.file_size()) break;
        fail_at(field_start, "corrupt data (not a caffemodel?)");
      }
      const int field = WireFormatLite::GetTagFieldNumber(tag);
      const bool length_delimited =
          WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED;
      if (length_delimited && (field == kNetV1LayersField || field == kNetLayerField)) {
        const bool v1 = field == kNetV1LayersField;
        (v1 ? saw_v1 : saw_current) = true;
        const int length = read_length(field_start, "layer");
        net.layers.push_back(read_layer(v1, length, int(net.layers.size())));
      } else if (length_delimited && field == kNetNameField) {
        const int length = read_length(field_start, "network name");
        if (!in_.ReadString(&net.name, length)) fail_at(field_start, "truncated network name");
      } else if (!WireFormatLite::SkipField(&in_, tag)) {
        fail_at(field_start, msg("corrupt or truncated field ", field, " (not a caffemodel?)"));
      }
    }
    if (!file_.read_error().empty()) fail(msg("read error: ", file_.read_error()));
    NSRG_CHECK(file_.bytes_read() == file_.file_size(), path_, " read ", file_.bytes_read(), " of ",
               file_.file_size(), " bytes");
    if (net.layers.empty()) fail("no Caffe layers found (not a caffemodel?)");
    if (saw_v1 && saw_current) {
      fail("holds both legacy V1 'layers' and current 'layer' entries; Caffe rejects such files");
    }
    net.format = saw_v1 ? CaffeFormat::LegacyV1 : CaffeFormat::Current;
    net.sha256 = file_.finish_sha256();
    return net;
  }

 private:
  [[noreturn]] void fail(const std::string& reason) const {
    throw UserError(msg(path_, ": ", reason));
  }
  [[noreturn]] void fail_at(int position, const std::string& reason) const {
    if (!file_.read_error().empty()) fail(msg("read error: ", file_.read_error()));
    fail(msg(reason, " at byte ", position));
  }

  // Reads a length prefix and checks it against the bytes left in the enclosing message.
  int read_length(int field_start, const char* what) {
    uint32_t length = 0;
    if (!in_.ReadVarint32(&length)) fail_at(field_start, msg("truncated ", what, " length"));
    const int left = in_.BytesUntilLimit() >= 0
                         ? in_.BytesUntilLimit()
                         : int(file_.file_size() - uint64_t(in_.CurrentPosition()));
    if (length > uint32_t(left)) {
      fail_at(field_start, msg(what, " of ", length, " bytes but only ", left,
                               " bytes are left (truncated or corrupt file)"));
    }
    return int(length);
  }

  bool wants_blobs(const std::string& type) const {
    return type == "Convolution" || (options_.keep_inner_product_blobs && type == "InnerProduct");
  }

  // One layer: its non-blob fields are copied aside and parsed as a message; each blob is
  // parsed on its own, or skipped when the layer's type (which Caffe writes before the blobs)
  // says it is not needed.
  caffe::LayerParameter read_layer(bool v1, int length, int index) {
    const int layer_start = in_.CurrentPosition();
    const std::string where = msg("layer #", index + 1);
    const CodedInputStream::Limit limit = in_.PushLimit(length);
    const int type_field = v1 ? kV1TypeField : kLayerTypeField;
    const int blobs_field = v1 ? kV1BlobsField : kLayerBlobsField;
    google::protobuf::RepeatedPtrField<caffe::BlobProto> blobs;
    std::string other_fields;
    std::string type;
    bool type_known = false;
    {
      StringOutputStream other_stream(&other_fields);
      CodedOutputStream other(&other_stream);
      while (in_.BytesUntilLimit() > 0) {
        const int field_start = in_.CurrentPosition();
        const uint32_t tag = in_.ReadTag();
        if (tag == 0) fail_at(field_start, msg("corrupt ", where));
        const int field = WireFormatLite::GetTagFieldNumber(tag);
        const auto wire = WireFormatLite::GetTagWireType(tag);
        if (field == blobs_field && wire == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
          const int blob_length = read_length(field_start, "blob");
          if (type_known && !wants_blobs(type)) {
            if (!in_.Skip(blob_length)) fail_at(field_start, msg("truncated blob in ", where));
            continue;
          }
          read_blob(blob_length, blobs.Add(), field_start, where);
        } else if (field == type_field && v1 && wire == WireFormatLite::WIRETYPE_VARINT) {
          uint32_t value = 0;
          if (!in_.ReadVarint32(&value)) fail_at(field_start, msg("corrupt type in ", where));
          other.WriteTag(tag);
          other.WriteVarint32(value);
          type = v1_type_name(int(value));
          type_known = true;
        } else if (field == type_field && !v1 &&
                   wire == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
          const int type_length = read_length(field_start, "layer type");
          if (!in_.ReadString(&type, type_length)) {
            fail_at(field_start, msg("truncated type in ", where));
          }
          other.WriteTag(tag);
          other.WriteVarint32(uint32_t(type.size()));
          other.WriteString(type);
          type_known = true;
        } else if (!WireFormatLite::SkipField(&in_, tag, &other)) {
          fail_at(field_start, msg("corrupt or truncated field ", field, " in ", where));
        }
      }
    }
    in_.PopLimit(limit);

    caffe::LayerParameter layer;
    if (v1) {
      caffe::V1LayerParameter v1_layer;
      if (!v1_layer.ParseFromString(other_fields)) fail_at(layer_start, msg("corrupt ", where));
      layer = upgrade_v1_layer(v1_layer, path_);
    } else if (!layer.ParseFromString(other_fields)) {
      fail_at(layer_start, msg("corrupt ", where));
    }
    layer.mutable_blobs()->Swap(&blobs);
    return layer;
  }

  void read_blob(int length, caffe::BlobProto* blob, int field_start, const std::string& where) {
    const CodedInputStream::Limit limit = in_.PushLimit(length);
    if (!blob->MergeFromCodedStream(&in_) || !in_.ConsumedEntireMessage()) {
      fail_at(field_start, msg("corrupt blob in ", where));
    }
    in_.PopLimit(limit);
    release(blob->mutable_diff());
    release(blob->mutable_double_diff());
    if (blob->data_size() == 0 && blob->double_data_size() > 0) {
      auto* data = blob->mutable_data();
      data->Reserve(blob->double_data_size());
      for (double value : blob->double_data()) data->AddAlreadyReserved(float(value));
    }
    release(blob->mutable_double_data());
  }

  std::string path_;
  CaffemodelReadOptions options_;
  HashingFileInput file_;
  google::protobuf::io::CopyingInputStreamAdaptor stream_;
  CodedInputStream in_;
};

}  // namespace

CaffeNet read_caffemodel(const std::string& path, const CaffemodelReadOptions& options) {
  CaffemodelParser parser(path, options);
  return parser.parse();
}

}  // namespace nsrg
