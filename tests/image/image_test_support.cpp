// Implementation of the image tests' helpers (temporary folders, raw PNG/JPEG writers).
#include "tests/image/image_test_support.h"

#include <png.h>
#include <unistd.h>

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <fstream>
#include <sstream>

// jpeglib.h needs size_t and FILE declared first.
#include <jpeglib.h>

namespace nsrg::test {

TempFolder::TempFolder() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = "nsrg_image_test_" + std::to_string(::getpid());
  if (info != nullptr) name += std::string("_") + info->test_suite_name() + "_" + info->name();
  path_ = std::filesystem::temp_directory_path() / name;
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempFolder::~TempFolder() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::vector<std::string> TempFolder::entries() const {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(path_))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

Image make_test_image(int width, int height) {
  Image image;
  image.width = width;
  image.height = height;
  image.rgb.resize(static_cast<size_t>(width) * height * 3);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const float u = (x + 0.5f) / width, v = (y + 0.5f) / height;
      image.at(x, y, 0) = u;
      image.at(x, y, 1) = v;
      image.at(x, y, 2) = 0.5f + 0.4f * (u - 0.5f) * (v - 0.5f) * 4.0f;
    }
  return image;
}

namespace {

[[noreturn]] void on_test_png_error(png_structp png, png_const_charp message) {
  ADD_FAILURE() << "libpng: " << message;
  png_longjmp(png, 1);
}
void on_test_png_warning(png_structp, png_const_charp) {}

// No C++ objects with destructors live in this frame (setjmp).
bool write_png_core(png_structp png, png_infop info, std::FILE* file, const RawPng& raw,
                    const png_color* palette, int palette_size, png_bytepp rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_init_io(png, file);
  png_set_IHDR(png, info, raw.width, raw.height, raw.bit_depth, raw.color_type,
               raw.interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (palette_size > 0) {
    png_set_PLTE(png, info, palette, palette_size);
    png_byte alpha[1] = {0};  // a transparent entry, which the reader must ignore
    png_set_tRNS(png, info, alpha, 1, nullptr);
  }
  png_write_info(png, info);
  if (raw.interlaced) png_set_interlace_handling(png);
  png_write_image(png, rows);
  png_write_end(png, nullptr);
  return true;
}

int channels_of(int color_type) {
  switch (color_type) {
    case PNG_COLOR_TYPE_GRAY:
    case PNG_COLOR_TYPE_PALETTE:
      return 1;
    case PNG_COLOR_TYPE_GRAY_ALPHA:
      return 2;
    case PNG_COLOR_TYPE_RGB:
      return 3;
    default:
      return 4;
  }
}

}  // namespace

bool write_raw_png(const std::string& path, const RawPng& raw) {
  const int channels = channels_of(raw.color_type);
  const size_t row_bits = static_cast<size_t>(raw.width) * channels * raw.bit_depth;
  const size_t row_bytes = (row_bits + 7) / 8;
  std::vector<unsigned char> data(row_bytes * raw.height, 0);
  std::vector<png_bytep> rows(raw.height);
  for (int y = 0; y < raw.height; ++y) {
    unsigned char* row = data.data() + y * row_bytes;
    rows[y] = row;
    size_t bit = 0;
    for (int x = 0; x < raw.width; ++x)
      for (int c = 0; c < channels; ++c) {
        const unsigned value = static_cast<unsigned>(raw.sample(x, y, c));
        if (raw.bit_depth == 16) {
          row[bit / 8] = static_cast<unsigned char>(value >> 8);
          row[bit / 8 + 1] = static_cast<unsigned char>(value & 0xFF);
        } else if (raw.bit_depth == 8) {
          row[bit / 8] = static_cast<unsigned char>(value);
        } else {  // packed, most significant bits first
          const int shift = 8 - raw.bit_depth - static_cast<int>(bit % 8);
          row[bit / 8] |= static_cast<unsigned char>(value << shift);
        }
        bit += raw.bit_depth;
      }
  }
  std::vector<png_color> palette;
  for (const auto& entry : raw.palette) palette.push_back({entry[0], entry[1], entry[2]});

  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return false;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, on_test_png_error,
                                            on_test_png_warning);
  png_infop info = png_create_info_struct(png);
  const bool ok = write_png_core(png, info, file, raw, palette.data(),
                                 static_cast<int>(palette.size()), rows.data());
  png_destroy_write_struct(&png, &info);
  std::fclose(file);
  return ok;
}

namespace {

struct TestJpegErrors {
  jpeg_error_mgr base;
  std::jmp_buf jump;
};

[[noreturn]] void on_test_jpeg_error(j_common_ptr codec) {
  char message[JMSG_LENGTH_MAX];
  (*codec->err->format_message)(codec, message);
  ADD_FAILURE() << "libjpeg: " << message;
  std::longjmp(reinterpret_cast<TestJpegErrors*>(codec->err)->jump, 1);
}

bool write_jpeg_core(jpeg_compress_struct& codec, TestJpegErrors& errors, std::FILE* file,
                     int width, int height, int components, unsigned char* pixels, bool progressive,
                     int quality) {
  if (setjmp(errors.jump)) return false;
  jpeg_create_compress(&codec);
  jpeg_stdio_dest(&codec, file);
  codec.image_width = width;
  codec.image_height = height;
  codec.input_components = components;
  codec.in_color_space = components == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&codec);
  jpeg_set_quality(&codec, quality, TRUE);
  if (progressive) jpeg_simple_progression(&codec);
  jpeg_start_compress(&codec, TRUE);
  while (codec.next_scanline < codec.image_height) {
    JSAMPROW row = pixels + static_cast<size_t>(codec.next_scanline) * width * components;
    jpeg_write_scanlines(&codec, &row, 1);
  }
  jpeg_finish_compress(&codec);
  return true;
}

}  // namespace

bool write_raw_jpeg(const std::string& path, int width, int height, int components,
                    const std::vector<unsigned char>& pixels, bool progressive, int quality) {
  std::vector<unsigned char> copy = pixels;
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return false;
  jpeg_compress_struct codec{};
  TestJpegErrors errors{};
  codec.err = jpeg_std_error(&errors.base);
  errors.base.error_exit = on_test_jpeg_error;
  const bool ok = write_jpeg_core(codec, errors, file, width, height, components, copy.data(),
                                  progressive, quality);
  jpeg_destroy_compress(&codec);
  std::fclose(file);
  return ok;
}

uint32_t png_crc(const std::string& type_and_data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char byte : type_and_data) {
    crc ^= byte;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return crc ^ 0xFFFFFFFFu;
}

}  // namespace nsrg::test
