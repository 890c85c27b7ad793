// The tool block of a diff report (tool_info.h).
#include "compiler/diff/tool_info.h"

#include <fstream>
#include <string>

#include <nettle/sha2.h>

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
  sha256_ctx ctx;
  sha256_init(&ctx);
  auto update = [&ctx](std::string_view s) {
    sha256_update(&ctx, s.size(), reinterpret_cast<const uint8_t*>(s.data()));
  };
  for (const auto& m : stdlib::modules()) {
    update(m.name);
    update("\n");
    update(m.source);
  }
  uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_digest(&ctx, sizeof digest, digest);
  static const char* hex = "0123456789abcdef";
  std::string out = "sha256:";
  for (uint8_t byte : digest) {
    out += hex[byte >> 4];
    out += hex[byte & 15];
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
