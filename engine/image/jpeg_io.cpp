// JPEG decoding and encoding with libjpeg(-turbo). libjpeg reports errors through our
// error manager, which formats the message and longjmps; every function that calls setjmp
// below holds no C++ object with a destructor, and the codec structs are freed by RAII
// owners that live in the caller. When decoding, warnings (corrupt or truncated data) are
// errors too, and nothing is ever printed.
#include <csetjmp>
#include <cstddef>
#include <cstdio>
#include <memory>
#include <vector>

// jpeglib.h needs size_t and FILE declared first.
#include <jerror.h>
#include <jpeglib.h>

#include "engine/core/error.h"
#include "engine/image/codec_limits.h"
#include "engine/image/codecs.h"

namespace nsrg::codecs {
namespace {

// Progressive files with absurdly many scans make decoding crawl; real ones have ~10.
constexpr int kMaxJpegScans = 500;

struct JpegErrorManager {
  jpeg_error_mgr base;  // first member: libjpeg sees only this part
  std::jmp_buf jump;
  bool warnings_are_errors = false;
  char message[JMSG_LENGTH_MAX] = {};
};

[[noreturn]] void on_jpeg_error(j_common_ptr codec) {
  auto* errors = reinterpret_cast<JpegErrorManager*>(codec->err);
  (*codec->err->format_message)(codec, errors->message);
  std::longjmp(errors->jump, 1);
}

void on_jpeg_message(j_common_ptr codec, int level) {
  auto* errors = reinterpret_cast<JpegErrorManager*>(codec->err);
  if (level < 0 && errors->warnings_are_errors) on_jpeg_error(codec);
  // Other warnings and trace messages are dropped.
}

void on_jpeg_output(j_common_ptr) {}  // never print

void on_jpeg_progress(j_common_ptr codec) {
  if (!codec->is_decompressor) return;
  auto* decoder = reinterpret_cast<j_decompress_ptr>(codec);
  if (decoder->input_scan_number > kMaxJpegScans) {
    auto* errors = reinterpret_cast<JpegErrorManager*>(codec->err);
    std::snprintf(errors->message, sizeof errors->message, "more than %d scans", kMaxJpegScans);
    std::longjmp(errors->jump, 1);
  }
}

void install_error_manager(JpegErrorManager& errors, j_common_ptr codec) {
  codec->err = jpeg_std_error(&errors.base);
  errors.base.error_exit = on_jpeg_error;
  errors.base.emit_message = on_jpeg_message;
  errors.base.output_message = on_jpeg_output;
}

class JpegDecoder {
 public:
  JpegDecoder() {
    install_error_manager(errors, reinterpret_cast<j_common_ptr>(&codec));
    errors.warnings_are_errors = true;
    progress.progress_monitor = on_jpeg_progress;
  }
  // Safe in every state: jpeg_destroy ignores a struct whose memory manager is not set up.
  ~JpegDecoder() { jpeg_destroy_decompress(&codec); }
  JpegDecoder(const JpegDecoder&) = delete;
  JpegDecoder& operator=(const JpegDecoder&) = delete;

  jpeg_decompress_struct codec{};
  JpegErrorManager errors{};
  jpeg_progress_mgr progress{};
};

class JpegEncoder {
 public:
  JpegEncoder() { install_error_manager(errors, reinterpret_cast<j_common_ptr>(&codec)); }
  ~JpegEncoder() { jpeg_destroy_compress(&codec); }
  JpegEncoder(const JpegEncoder&) = delete;
  JpegEncoder& operator=(const JpegEncoder&) = delete;

  jpeg_compress_struct codec{};
  JpegErrorManager errors{};
};

// Phase 1: markers up to the first scan. False on a libjpeg error (message in errors).
bool read_jpeg_header(JpegDecoder& decoder, std::FILE* file) {
  if (setjmp(decoder.errors.jump)) return false;
  jpeg_create_decompress(&decoder.codec);  // keeps the err pointer set above
  decoder.codec.progress = &decoder.progress;
  jpeg_stdio_src(&decoder.codec, file);
  jpeg_read_header(&decoder.codec, TRUE);
  return true;
}

// Phase 2: decode every scanline into `pixels` (row_bytes per row).
bool read_jpeg_pixels(JpegDecoder& decoder, J_COLOR_SPACE out_space, int components,
                      size_t row_bytes, unsigned char* pixels) {
  if (setjmp(decoder.errors.jump)) return false;
  jpeg_decompress_struct& codec = decoder.codec;
  codec.out_color_space = out_space;
  jpeg_start_decompress(&codec);
  if (codec.output_components != components) {
    std::snprintf(decoder.errors.message, sizeof decoder.errors.message,
                  "unexpected number of colour components");
    return false;
  }
  while (codec.output_scanline < codec.output_height) {
    JSAMPROW row = pixels + static_cast<size_t>(codec.output_scanline) * row_bytes;
    if (jpeg_read_scanlines(&codec, &row, 1) != 1) {
      std::snprintf(decoder.errors.message, sizeof decoder.errors.message, "decoder stopped early");
      return false;
    }
  }
  jpeg_finish_decompress(&codec);
  return true;
}

bool write_jpeg_rows(JpegEncoder& encoder, std::FILE* file, int width, int height,
                     unsigned char* rgb, int quality) {
  if (setjmp(encoder.errors.jump)) return false;
  jpeg_compress_struct& codec = encoder.codec;
  jpeg_create_compress(&codec);
  jpeg_stdio_dest(&codec, file);
  codec.image_width = static_cast<JDIMENSION>(width);
  codec.image_height = static_cast<JDIMENSION>(height);
  codec.input_components = 3;
  codec.in_color_space = JCS_RGB;
  jpeg_set_defaults(&codec);
  jpeg_set_quality(&codec, quality, TRUE);
  for (int i = 0; i < codec.num_components; ++i) {  // 4:4:4, no chroma subsampling
    codec.comp_info[i].h_samp_factor = 1;
    codec.comp_info[i].v_samp_factor = 1;
  }
  jpeg_start_compress(&codec, TRUE);
  const size_t row_bytes = static_cast<size_t>(width) * 3;
  while (codec.next_scanline < codec.image_height) {
    JSAMPROW row = rgb + static_cast<size_t>(codec.next_scanline) * row_bytes;
    jpeg_write_scanlines(&codec, &row, 1);
  }
  jpeg_finish_compress(&codec);
  return true;
}

const char* color_space_name(J_COLOR_SPACE space) {
  switch (space) {
    case JCS_CMYK:
      return "CMYK";
    case JCS_YCCK:
      return "YCCK";
    default:
      return "unknown";
  }
}

}  // namespace

Image read_jpeg(std::FILE* file, const std::string& path, long long max_pixels) {
  JpegDecoder decoder;
  if (!read_jpeg_header(decoder, file))
    throw UserError(msg(path, ": invalid JPEG: ", decoder.errors.message));
  const jpeg_decompress_struct& codec = decoder.codec;
  const std::string problem = dimension_problem(codec.image_width, codec.image_height, max_pixels);
  if (!problem.empty()) throw UserError(msg(path, ": ", problem));

  J_COLOR_SPACE out_space = JCS_RGB;
  switch (codec.jpeg_color_space) {
    case JCS_GRAYSCALE:
      out_space = JCS_GRAYSCALE;
      break;
    case JCS_YCbCr:
    case JCS_RGB:
      break;
    default:
      throw UserError(msg(path, ": unsupported JPEG colour space (",
                          color_space_name(codec.jpeg_color_space), "); use gray or RGB"));
  }
  const int components = out_space == JCS_GRAYSCALE ? 1 : 3;
  const int width = static_cast<int>(codec.image_width);
  const int height = static_cast<int>(codec.image_height);
  const size_t row_bytes = static_cast<size_t>(width) * components;
  // Left uninitialized: libjpeg fills every byte (see read_png).
  std::unique_ptr<unsigned char[]> pixels(new unsigned char[row_bytes * height]);
  if (!read_jpeg_pixels(decoder, out_space, components, row_bytes, pixels.get()))
    throw UserError(msg(path, ": invalid JPEG: ", decoder.errors.message));

  Image image;
  image.width = width;
  image.height = height;
  image.rgb.resize(static_cast<size_t>(width) * height * 3);
  const long long pixel_count = static_cast<long long>(width) * height;
  float* out = image.rgb.data();
  const unsigned char* in = pixels.get();
#pragma omp parallel for schedule(static) if (pixel_count > (1 << 17))
  for (long long i = 0; i < pixel_count; ++i)
    for (int c = 0; c < 3; ++c)
      out[3 * i + c] = static_cast<float>(in[components * i + (components == 3 ? c : 0)]) / 255.0f;
  return image;
}

void write_jpeg(std::FILE* file, const std::string& path, const Image& image, int quality) {
  std::vector<unsigned char> bytes = to_rgb8(image);
  JpegEncoder encoder;
  if (!write_jpeg_rows(encoder, file, image.width, image.height, bytes.data(), quality))
    throw UserError(msg(path, ": cannot write JPEG: ", encoder.errors.message));
}

}  // namespace nsrg::codecs
