// The standard library modules, embedded at build time from stdlib/*.policy.
#pragma once
#include <string_view>
#include <vector>

namespace proviso::stdlib {

struct Module {
  std::string_view name;    // "stdlib.holidays"
  std::string_view path;    // "stdlib/holidays.policy", used in diagnostics
  std::string_view source;  // the module's text
};

const std::vector<Module>& modules();

}  // namespace proviso::stdlib
