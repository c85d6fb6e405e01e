// SHA-256 through OpenSSL's EVP interface (libcrypto), wrapped in RAII; of strings and files.
#include "weights/sha256.h"

#include <openssl/evp.h>

#include <fstream>
#include <vector>

#include "engine/core/error.h"

namespace nsrg {

struct Sha256::Context {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Context() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {
  NSRG_CHECK(context_->ctx != nullptr, "EVP_MD_CTX_new");
  NSRG_CHECK(EVP_DigestInit_ex(context_->ctx, EVP_sha256(), nullptr) == 1, "EVP_DigestInit_ex");
}

Sha256::~Sha256() = default;

void Sha256::update(const void* data, size_t size) {
  NSRG_CHECK(!finished_, "Sha256::update after finish_hex");
  if (size > 0) NSRG_CHECK(EVP_DigestUpdate(context_->ctx, data, size) == 1, "EVP_DigestUpdate");
}

std::string Sha256::finish_hex() {
  NSRG_CHECK(!finished_, "Sha256::finish_hex called twice");
  finished_ = true;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  NSRG_CHECK(EVP_DigestFinal_ex(context_->ctx, digest, &length) == 1, "EVP_DigestFinal_ex");
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

std::string sha256_hex(const std::string& bytes) {
  Sha256 hash;
  hash.update(bytes.data(), bytes.size());
  return hash.finish_hex();
}

std::string sha256_file_hex(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(msg(path, ": cannot open the file to hash it"));
  Sha256 hash;
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), std::streamsize(buffer.size()));
    hash.update(buffer.data(), size_t(in.gcount()));
  }
  if (in.bad()) throw UserError(msg(path, ": read error while hashing the file"));
  return hash.finish_hex();
}

}  // namespace nsrg
