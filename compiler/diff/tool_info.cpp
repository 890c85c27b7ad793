// The tool block of a diff report (tool_info.h).
#include "compiler/diff/tool_info.h"

#include <fstream>
#include <string>

#include <openssl/evp.h>

#include "stdlib/stdlib.h"

#ifndef PROVISO_VERSION
#define PROVISO_VERSION "dev"
#endif

namespace proviso::diff {

namespace {

// "2025b" from the first line of the system's tzdata.zi ("# version 2025b"), or "unknown".
std::string tzdata_version() {
  std::ifstream in("/usr/share/zoneinfo/tzdata.zi");
  std::string line;
  if (in && std::getline(in, line) && line.rfind("# version ", 0) == 0) return line.substr(10);
  return "unknown";
}

std::string stdlib_hash() {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  for (const auto& m : stdlib::modules()) {
    EVP_DigestUpdate(ctx, m.name.data(), m.name.size());
    EVP_DigestUpdate(ctx, "\n", 1);
    EVP_DigestUpdate(ctx, m.source.data(), m.source.size());
  }
  EVP_DigestFinal_ex(ctx, digest, &len);
  EVP_MD_CTX_free(ctx);
  static const char* hex = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

}  // namespace

nlohmann::ordered_json tool_info() {
  static const nlohmann::ordered_json info = {
      {"proviso", PROVISO_VERSION}, {"tzdata", tzdata_version()}, {"stdlib", stdlib_hash()}};
  return info;
}

}  // namespace proviso::diff
