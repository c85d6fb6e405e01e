// read_image / write_image: open the file, pick the codec (magic bytes when reading, the
// extension when writing), enforce size limits and write atomically.
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/image/codecs.h"
#include "engine/image/image.h"

namespace nsrg {
namespace {

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

enum class ImageFormat { Png, Jpeg, Unknown };

ImageFormat detect_format(const unsigned char* magic, size_t size) {
  static const unsigned char kPng[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (size >= 8 && std::memcmp(magic, kPng, 8) == 0) return ImageFormat::Png;
  if (size >= 3 && magic[0] == 0xFF && magic[1] == 0xD8 && magic[2] == 0xFF)
    return ImageFormat::Jpeg;
  return ImageFormat::Unknown;
}

std::string lowercase_extension(const std::string& path) {
  std::string extension = std::filesystem::path(path).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return extension;
}

void check_image_shape(const Image& image) {
  NSRG_CHECK(image.width > 0 && image.height > 0, "cannot write an empty image (", image.width,
             " x ", image.height, ")");
  NSRG_CHECK(image.rgb.size() == static_cast<size_t>(image.width) * image.height * 3,
             "image buffer holds ", image.rgb.size(), " floats for ", image.width, " x ",
             image.height);
}

}  // namespace

Image read_image(const std::string& path, long long max_pixels) {
  FilePtr file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    if (errno == ENOENT) throw UserError(msg(path, ": file not found"));
    throw UserError(msg(path, ": cannot open: ", std::strerror(errno)));
  }
  struct stat info {};
  if (fstat(fileno(file.get()), &info) != 0)
    throw UserError(msg(path, ": cannot read: ", std::strerror(errno)));
  if (!S_ISREG(info.st_mode)) throw UserError(msg(path, ": not a regular file"));

  unsigned char magic[8] = {};
  const size_t got = std::fread(magic, 1, sizeof magic, file.get());
  if (std::ferror(file.get())) throw UserError(msg(path, ": cannot read: ", std::strerror(errno)));
  if (got == 0) throw UserError(msg(path, ": empty file, not an image"));
  const ImageFormat format = detect_format(magic, got);
  if (format == ImageFormat::Unknown)
    throw UserError(msg(path, ": not a PNG or JPEG image (unrecognised file signature)"));
  if (std::fseek(file.get(), 0, SEEK_SET) != 0)
    throw UserError(msg(path, ": cannot read: ", std::strerror(errno)));

  return format == ImageFormat::Png ? codecs::read_png(file.get(), path, max_pixels)
                                    : codecs::read_jpeg(file.get(), path, max_pixels);
}

void write_image(const std::string& path, const Image& image) {
  const std::string extension = lowercase_extension(path);
  const bool png = extension == ".png";
  const bool jpeg = extension == ".jpg" || extension == ".jpeg";
  if (!png && !jpeg)
    throw UserError(msg(path, ": unknown image file extension (use .png, .jpg or .jpeg)"));
  check_image_shape(image);
  constexpr int kJpegQuality = 95;
  write_file_atomically(path, [&](std::FILE* file) {
    if (png)
      codecs::write_png(file, path, image);
    else
      codecs::write_jpeg(file, path, image, kJpegQuality);
  });
}

}  // namespace nsrg
