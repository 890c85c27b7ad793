// What produced a diff, for its JSON report: the proviso version, the IANA time-zone database
// version the calendars used, and a hash of the embedded standard library.
#pragma once
#include <nlohmann/json.hpp>

namespace proviso::diff {

nlohmann::ordered_json tool_info();

}  // namespace proviso::diff
