// ZipArchive on libzip: zip_open with consistency checks, entries located by exact name and
// read whole, every libzip failure turned into one line naming the file and the entry.
#include "tools/convert_torch/zip_archive.h"

#include <zip.h>

#include <filesystem>

#include "engine/core/error.h"
#include "engine/core/utf8.h"

namespace nsrg {
namespace {

std::string libzip_reason(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string text = zip_error_strerror(&error);
  zip_error_fini(&error);
  return text;
}

struct ZipFileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

}  // namespace

ZipArchive::ZipArchive(const std::string& path) : path_(path) {
  std::error_code size_error;
  file_size_ = std::filesystem::file_size(path, size_error);
  if (size_error) throw UserError(msg(path, ": cannot read the file: ", size_error.message()));
  int code = 0;
  archive_ = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code);
  if (archive_ == nullptr) {
    if (code == ZIP_ER_NOZIP)
      throw UserError(
          msg(path, ": not a zip file, or a truncated one (no zip directory at its end)"));
    if (code == ZIP_ER_NOENT || code == ZIP_ER_OPEN || code == ZIP_ER_READ)
      throw UserError(msg(path, ": cannot read the file: ", libzip_reason(code)));
    throw UserError(msg(path, ": the zip archive is damaged: ", libzip_reason(code)));
  }
}

ZipArchive::~ZipArchive() {
  if (archive_) zip_discard(archive_);
}

std::vector<std::string> ZipArchive::names() const {
  std::vector<std::string> result;
  const zip_int64_t count = zip_get_num_entries(archive_, 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    const char* name = zip_get_name(archive_, zip_uint64_t(i), ZIP_FL_ENC_RAW);
    if (name == nullptr) throw UserError(msg(path_, ": zip entry ", i, " has no readable name"));
    result.emplace_back(name);
  }
  return result;
}

int64_t ZipArchive::index_of(const std::string& name) const {
  return zip_name_locate(archive_, name.c_str(), ZIP_FL_ENC_RAW);
}

bool ZipArchive::contains(const std::string& name) const {
  return index_of(name) >= 0;
}

uint64_t ZipArchive::size(const std::string& name) const {
  const int64_t index = index_of(name);
  if (index < 0)
    throw UserError(msg(path_, ": the zip archive has no entry '", short_quote(name), "'"));
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat_index(archive_, zip_uint64_t(index), 0, &stat) != 0 || !(stat.valid & ZIP_STAT_SIZE))
    throw UserError(msg(path_, ": cannot read the size of zip entry '", short_quote(name), "'"));
  return stat.size;
}

std::vector<uint8_t> ZipArchive::read(const std::string& name, uint64_t expected_size,
                                      uint64_t max_size) const {
  const uint64_t actual = size(name);
  const std::string entry = "zip entry '" + short_quote(name) + "'";
  if (expected_size != UINT64_MAX && actual != expected_size)
    throw UserError(msg(path_, ": ", entry, " holds ", actual, " bytes, expected ", expected_size));
  if (actual > max_size)
    throw UserError(msg(path_, ": ", entry, " holds ", actual, " bytes, more than ", max_size));
  // Before allocating: the sizes the directory states must be possible for this file (a few
  // bytes could otherwise ask for terabytes). Deflate expands at most 1032-fold.
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat_index(archive_, zip_uint64_t(index_of(name)), 0, &stat) != 0 ||
      !(stat.valid & ZIP_STAT_COMP_SIZE) || !(stat.valid & ZIP_STAT_COMP_METHOD))
    throw UserError(msg(path_, ": cannot read the sizes of ", entry));
  const uint64_t ratio = stat.comp_method == ZIP_CM_STORE ? 1 : 1032;
  if (stat.comp_size > file_size_ || actual / ratio > stat.comp_size)
    throw UserError(msg(path_, ": ", entry, " states ", actual, " bytes (", stat.comp_size,
                        " compressed) in a file of ", file_size_, " bytes"));
  std::unique_ptr<zip_file_t, ZipFileCloser> file(
      zip_fopen_index(archive_, zip_uint64_t(index_of(name)), 0));
  if (!file) throw UserError(msg(path_, ": cannot open ", entry, ": ", zip_strerror(archive_)));
  std::vector<uint8_t> bytes(actual);
  uint64_t done = 0;
  while (done < actual) {
    const zip_int64_t got = zip_fread(file.get(), bytes.data() + done, actual - done);
    if (got < 0)
      throw UserError(msg(path_, ": ", entry, " is damaged: ", zip_file_strerror(file.get())));
    if (got == 0) throw UserError(msg(path_, ": ", entry, " ends after ", done, " bytes"));
    done += uint64_t(got);
  }
  // Reading past the end makes libzip compare the CRC.
  char extra;
  const zip_int64_t more = zip_fread(file.get(), &extra, 1);
  if (more < 0)
    throw UserError(msg(path_, ": ", entry, " is damaged: ", zip_file_strerror(file.get())));
  if (more > 0)
    throw UserError(msg(path_, ": ", entry, " holds more than its stated ", actual, " bytes"));
  return bytes;
}

}  // namespace nsrg
