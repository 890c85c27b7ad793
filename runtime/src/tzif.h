// Private to the runtime: TZif zone files read directly, with the POSIX TZ rule of their
// footer ("EST5EDT,M3.2.0,M11.1.0") for instants after the file's last listed transition.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <proviso/rt/time.h>

namespace proviso::rt::detail {

struct PosixTz {
  struct Rule {
    enum class Kind { MonthWeekDay, JulianNoLeap, ZeroBasedDay } kind = Kind::MonthWeekDay;
    int month = 0, week = 0, weekday = 0;  // weekday: 0 = Sunday, as POSIX writes it
    int day = 0;                           // J1..J365 or 0..365
    int32_t time = 7200;                   // local seconds, may be negative or past 24 h
  };
  int32_t std_east = 0;  // seconds east of UTC
  int32_t dst_east = 0;
  bool has_dst = false;
  Rule start, end;  // start in standard local time, end in daylight local time
};

std::optional<PosixTz> parse_posix_tz(std::string_view text);

int32_t posix_offset_at(const PosixTz& tz, Instant t);
// Same conventions as Zone::to_instant: gap -> transition, ambiguous -> earlier instant.
Instant posix_to_instant(const PosixTz& tz, int64_t local_seconds);

// The contents of a TZif (v2+) zone file that matter for offsets.
struct TzifData {
  std::vector<Instant> transitions;  // sorted
  std::vector<int32_t> offsets;      // offsets[i] applies from transitions[i]
  int32_t initial_offset = 0;        // before the first transition (time type 0)
  std::optional<PosixTz> footer;     // after the last transition, when it has DST rules
  int32_t largest_offset = 0;        // the largest |offset| of any time type the file lists

  int32_t offset_at(Instant t) const;
  // The instant a wall clock (`local`: seconds since 1970-01-01T00:00 of the local calendar)
  // names, by the listed transitions (the footer is the caller's): in a gap (spring forward)
  // the transition that opens it; where two instants read the same (fall back) the earlier.
  Instant local_to_instant(int64_t local) const;
  // How many transitions lie at or before t.
  std::size_t count_at_or_before(Instant t) const;

  // An index for offset_at, so that finding the transition before an instant is one look-up
  // and a short scan instead of a binary search: by_bucket[k] is how many transitions lie at
  // or before index_base + k * 2^kBucketShift seconds (about 24 days, less than the time
  // between most transitions). Empty until build_index(); offset_at then searches.
  static constexpr int kBucketShift = 21;
  Instant index_base = 0;
  std::vector<uint32_t> by_bucket;
  void build_index();
};
// Whether `name` is a zone name the system database can hold: segments of letters, digits,
// '_', '+' and '-' joined by '/', outside posix/ and right/ (copies of the zones with other
// conventions) and not `posixrules` or `Factory` (no place's time).
bool zone_name_allowed(std::string_view name);
// Nothing when the file cannot be read or is not TZif version 2 or later.
std::optional<TzifData> read_tzif(std::string_view zone_name);

}  // namespace proviso::rt::detail
