// Runtime errors: the names of the codes and the system's reasons in the diagnostics' style.
#include <cerrno>

#include <catch2/catch.hpp>

#include <proviso/rt/error.h>

using proviso::rt::system_reason;

TEST_CASE("system reasons are written in the diagnostics' lower case", "[error]") {
  CHECK(system_reason(ENOENT) == "no such file or directory");
  CHECK(system_reason(EACCES) == "permission denied");
  CHECK(system_reason(EISDIR) == "is a directory");
  // An acronym keeps its capitals (glibc: "RFS specific error").
  CHECK(system_reason(EDOTDOT) == "RFS specific error");
}
