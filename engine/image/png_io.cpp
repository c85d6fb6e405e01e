// PNG decoding and encoding with libpng. libpng reports errors by longjmp; every function
// that calls setjmp below holds no C++ object with a destructor, so no destructor is ever
// skipped, and the libpng structs are freed by RAII owners that live in the caller.
#include <png.h>

#include <cerrno>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include "engine/core/error.h"
#include "engine/image/codec_limits.h"
#include "engine/image/codecs.h"

namespace nsrg::codecs {
namespace {

// Shared with libpng through its error and io pointers.
struct PngContext {
  std::FILE* file = nullptr;
  char message[256] = {};
};

[[noreturn]] void on_png_error(png_structp png, png_const_charp message) {
  auto* context = static_cast<PngContext*>(png_get_error_ptr(png));
  std::snprintf(context->message, sizeof context->message, "%s",
                message != nullptr ? message : "unknown libpng error");
  png_longjmp(png, 1);
}

void on_png_warning(png_structp, png_const_charp) {}  // warnings are never printed

void read_from_file(png_structp png, png_bytep data, size_t length) {
  auto* context = static_cast<PngContext*>(png_get_io_ptr(png));
  if (std::fread(data, 1, length, context->file) == length) return;
  if (std::ferror(context->file)) {
    char reason[200];
    std::snprintf(reason, sizeof reason, "read error: %s", std::strerror(errno));
    png_error(png, reason);
  }
  png_error(png, "unexpected end of file (truncated PNG)");
}

void write_to_file(png_structp png, png_bytep data, size_t length) {
  auto* context = static_cast<PngContext*>(png_get_io_ptr(png));
  if (std::fwrite(data, 1, length, context->file) == length) return;
  char reason[200];
  std::snprintf(reason, sizeof reason, "write failed: %s", std::strerror(errno));
  png_error(png, reason);
}

void flush_file(png_structp png) {
  std::fflush(static_cast<PngContext*>(png_get_io_ptr(png))->file);
}

class PngReader {
 public:
  explicit PngReader(std::FILE* file) {
    context.file = file;
    png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &context, on_png_error, on_png_warning);
    if (png == nullptr) throw std::bad_alloc();
    info = png_create_info_struct(png);
    if (info == nullptr) {
      png_destroy_read_struct(&png, nullptr, nullptr);
      throw std::bad_alloc();
    }
  }
  ~PngReader() { png_destroy_read_struct(&png, &info, nullptr); }
  PngReader(const PngReader&) = delete;
  PngReader& operator=(const PngReader&) = delete;

  PngContext context;
  png_structp png = nullptr;
  png_infop info = nullptr;
};

class PngWriter {
 public:
  explicit PngWriter(std::FILE* file) {
    context.file = file;
    png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &context, on_png_error, on_png_warning);
    if (png == nullptr) throw std::bad_alloc();
    info = png_create_info_struct(png);
    if (info == nullptr) {
      png_destroy_write_struct(&png, nullptr);
      throw std::bad_alloc();
    }
  }
  ~PngWriter() { png_destroy_write_struct(&png, &info); }
  PngWriter(const PngWriter&) = delete;
  PngWriter& operator=(const PngWriter&) = delete;

  PngContext context;
  png_structp png = nullptr;
  png_infop info = nullptr;
};

struct PngHeader {
  png_uint_32 width = 0, height = 0;
  int bit_depth = 0, color_type = 0;
};

// Phase 1: signature and header chunks. False on a libpng error (message in the context).
bool read_png_header(PngReader& reader, PngHeader& header) {
  if (setjmp(png_jmpbuf(reader.png))) return false;
  png_set_read_fn(reader.png, &reader.context, read_from_file);
  // Sizes are checked by the caller against our own limits, with our own message.
  png_set_user_limits(reader.png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
  png_read_info(reader.png, reader.info);
  header.width = png_get_image_width(reader.png, reader.info);
  header.height = png_get_image_height(reader.png, reader.info);
  header.bit_depth = png_get_bit_depth(reader.png, reader.info);
  header.color_type = png_get_color_type(reader.png, reader.info);
  return true;
}

// Phase 2: convert everything to 8- or 16-bit RGB without alpha and read all rows (any
// interlacing) into `rows`, then the chunks up to IEND.
bool read_png_pixels(PngReader& reader, const PngHeader& header, size_t row_bytes,
                     png_bytepp rows) {
  if (setjmp(png_jmpbuf(reader.png))) return false;
  png_structp png = reader.png;
  if (header.color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (header.color_type == PNG_COLOR_TYPE_GRAY && header.bit_depth < 8)
    png_set_expand_gray_1_2_4_to_8(png);
  // Drops an alpha channel, including the one png_set_palette_to_rgb makes from tRNS.
  png_set_strip_alpha(png);
  if (header.color_type == PNG_COLOR_TYPE_GRAY || header.color_type == PNG_COLOR_TYPE_GRAY_ALPHA)
    png_set_gray_to_rgb(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, reader.info);
  if (png_get_rowbytes(png, reader.info) != row_bytes) {
    std::snprintf(reader.context.message, sizeof reader.context.message,
                  "unexpected row size after conversion to RGB");
    return false;
  }
  png_read_image(png, rows);
  png_read_end(png, nullptr);
  return true;
}

bool write_png_rows(PngWriter& writer, png_uint_32 width, png_uint_32 height, png_bytepp rows) {
  if (setjmp(png_jmpbuf(writer.png))) return false;
  png_set_write_fn(writer.png, &writer.context, write_to_file, flush_file);
  png_set_IHDR(writer.png, writer.info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(writer.png, writer.info);
  png_write_image(writer.png, rows);
  png_write_end(writer.png, nullptr);
  return true;
}

}  // namespace

Image read_png(std::FILE* file, const std::string& path, long long max_pixels) {
  PngReader reader(file);
  PngHeader header;
  if (!read_png_header(reader, header))
    throw UserError(msg(path, ": invalid PNG: ", reader.context.message));
  const std::string problem = dimension_problem(header.width, header.height, max_pixels);
  if (!problem.empty()) throw UserError(msg(path, ": ", problem));

  const int bytes_per_sample = header.bit_depth == 16 ? 2 : 1;
  const size_t row_bytes = static_cast<size_t>(header.width) * 3 * bytes_per_sample;
  // Left uninitialized: libpng fills every byte, and a forged header in a tiny file then
  // costs no page faults before the missing data is noticed.
  std::unique_ptr<unsigned char[]> pixels(new unsigned char[row_bytes * header.height]);
  std::vector<png_bytep> rows(header.height);
  for (png_uint_32 y = 0; y < header.height; ++y) rows[y] = pixels.get() + y * row_bytes;
  if (!read_png_pixels(reader, header, row_bytes, rows.data()))
    throw UserError(msg(path, ": invalid PNG: ", reader.context.message));

  Image image;
  image.width = static_cast<int>(header.width);
  image.height = static_cast<int>(header.height);
  image.rgb.resize(static_cast<size_t>(image.width) * image.height * 3);
  const long long count = static_cast<long long>(image.rgb.size());
  float* out = image.rgb.data();
  const unsigned char* in = pixels.get();
  if (bytes_per_sample == 2) {
#pragma omp parallel for schedule(static) if (count > (1 << 18))
    for (long long i = 0; i < count; ++i)
      out[i] = static_cast<float>((in[2 * i] << 8) | in[2 * i + 1]) / 65535.0f;
  } else {
#pragma omp parallel for schedule(static) if (count > (1 << 18))
    for (long long i = 0; i < count; ++i) out[i] = static_cast<float>(in[i]) / 255.0f;
  }
  return image;
}

void write_png(std::FILE* file, const std::string& path, const Image& image) {
  std::vector<unsigned char> bytes = to_rgb8(image);
  std::vector<png_bytep> rows(image.height);
  const size_t row_bytes = static_cast<size_t>(image.width) * 3;
  for (int y = 0; y < image.height; ++y) rows[y] = bytes.data() + y * row_bytes;
  PngWriter writer(file);
  if (!write_png_rows(writer, static_cast<png_uint_32>(image.width),
                      static_cast<png_uint_32>(image.height), rows.data()))
    throw UserError(msg(path, ": cannot write PNG: ", writer.context.message));
}

}  // namespace nsrg::codecs
