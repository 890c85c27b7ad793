// TZif zone files (RFC 8536) read directly for fast offsets, and the POSIX TZ rules of their
// footers, so that zones keep their daylight saving time after 2037.
#include "tzif.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <iterator>
#include <vector>

#include "civil.h"

namespace proviso::rt::detail {

namespace {

struct Cursor {
  std::string_view s;
  std::size_t i = 0;
  bool done() const { return i >= s.size(); }
  char peek() const { return done() ? '\0' : s[i]; }
};

bool parse_name(Cursor& c) {
  if (c.peek() == '<') {
    auto close = c.s.find('>', c.i);
    if (close == std::string_view::npos) return false;
    c.i = close + 1;
    return true;
  }
  std::size_t start = c.i;
  while (!c.done() && ((c.peek() >= 'A' && c.peek() <= 'Z') || (c.peek() >= 'a' && c.peek() <= 'z'))) ++c.i;
  return c.i - start >= 3;
}

bool parse_number(Cursor& c, int* out) {
  if (c.done() || c.peek() < '0' || c.peek() > '9') return false;
  int v = 0;
  while (!c.done() && c.peek() >= '0' && c.peek() <= '9') v = v * 10 + (c.s[c.i++] - '0');
  *out = v;
  return true;
}

// [+-]hh[:mm[:ss]] in seconds.
bool parse_hms(Cursor& c, int32_t* out) {
  int sign = 1;
  if (c.peek() == '+' || c.peek() == '-') sign = c.s[c.i++] == '-' ? -1 : 1;
  int h = 0, m = 0, s = 0;
  if (!parse_number(c, &h)) return false;
  if (c.peek() == ':') {
    ++c.i;
    if (!parse_number(c, &m)) return false;
    if (c.peek() == ':') {
      ++c.i;
      if (!parse_number(c, &s)) return false;
    }
  }
  *out = sign * (h * 3600 + m * 60 + s);
  return true;
}

bool parse_rule(Cursor& c, PosixTz::Rule* r) {
  if (c.peek() == 'M') {
    ++c.i;
    r->kind = PosixTz::Rule::Kind::MonthWeekDay;
    if (!parse_number(c, &r->month) || c.peek() != '.') return false;
    ++c.i;
    if (!parse_number(c, &r->week) || c.peek() != '.') return false;
    ++c.i;
    if (!parse_number(c, &r->weekday)) return false;
    if (r->month < 1 || r->month > 12 || r->week < 1 || r->week > 5 || r->weekday > 6) return false;
  } else if (c.peek() == 'J') {
    ++c.i;
    r->kind = PosixTz::Rule::Kind::JulianNoLeap;
    if (!parse_number(c, &r->day) || r->day < 1 || r->day > 365) return false;
  } else {
    r->kind = PosixTz::Rule::Kind::ZeroBasedDay;
    if (!parse_number(c, &r->day) || r->day > 365) return false;
  }
  r->time = 7200;
  if (c.peek() == '/') {
    ++c.i;
    if (!parse_hms(c, &r->time)) return false;
  }
  return true;
}

int64_t rule_day(const PosixTz::Rule& r, int year) {
  switch (r.kind) {
    case PosixTz::Rule::Kind::JulianNoLeap: {
      int64_t d = days_from_civil(year, 1, 1) + r.day - 1;
      return d + (is_leap_year(year) && r.day >= 60 ? 1 : 0);
    }
    case PosixTz::Rule::Kind::ZeroBasedDay: return days_from_civil(year, 1, 1) + r.day;
    case PosixTz::Rule::Kind::MonthWeekDay: {
      int64_t first = days_from_civil(year, r.month, 1);
      // Monday-based weekday of `first`, then POSIX's Sunday-based target.
      int first_wd = static_cast<int>(floor_mod(first + 3, 7));
      int target = (r.weekday + 6) % 7;
      int64_t d = first + (target - first_wd + 7) % 7 + int64_t{r.week - 1} * 7;
      int64_t last = first + days_in_month(year, r.month) - 1;
      while (d > last) d -= 7;
      return d;
    }
  }
  return 0;
}

struct Transition {
  Instant at;
  bool to_dst;
};

// The transitions of years y-1..y+1, sorted.
std::array<Transition, 6> transitions_around(const PosixTz& tz, int year) {
  std::array<Transition, 6> out{};
  for (int k = 0; k < 3; ++k) {
    int y = year - 1 + k;
    out[2 * k] = {rule_day(tz.start, y) * kSecondsPerDay + tz.start.time - tz.std_east, true};
    out[2 * k + 1] = {rule_day(tz.end, y) * kSecondsPerDay + tz.end.time - tz.dst_east, false};
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.at < b.at; });
  return out;
}

}  // namespace

std::optional<PosixTz> parse_posix_tz(std::string_view text) {
  Cursor c{text};
  PosixTz tz;
  int32_t west = 0;
  if (!parse_name(c) || !parse_hms(c, &west)) return std::nullopt;
  tz.std_east = -west;
  if (c.done()) return tz;
  if (!parse_name(c)) return std::nullopt;
  tz.has_dst = true;
  tz.dst_east = tz.std_east + 3600;
  if (c.peek() != ',' && !c.done()) {
    if (!parse_hms(c, &west)) return std::nullopt;
    tz.dst_east = -west;
  }
  if (c.done()) {
    // POSIX leaves the default rule to the implementation; TZif footers always spell it.
    tz.start = {PosixTz::Rule::Kind::MonthWeekDay, 3, 2, 0, 0, 7200};
    tz.end = {PosixTz::Rule::Kind::MonthWeekDay, 11, 1, 0, 0, 7200};
    return tz;
  }
  if (c.peek() != ',') return std::nullopt;
  ++c.i;
  if (!parse_rule(c, &tz.start) || c.peek() != ',') return std::nullopt;
  ++c.i;
  if (!parse_rule(c, &tz.end) || !c.done()) return std::nullopt;
  return tz;
}

int32_t posix_offset_at(const PosixTz& tz, Instant t) {
  if (!tz.has_dst) return tz.std_east;
  int year = civil_from_days(floor_div(t + tz.std_east, kSecondsPerDay)).year;
  auto ts = transitions_around(tz, year);
  bool dst = !ts[0].to_dst;  // the state before the first transition
  for (const auto& tr : ts) {
    if (tr.at > t) break;
    dst = tr.to_dst;
  }
  return dst ? tz.dst_east : tz.std_east;
}

Instant posix_to_instant(const PosixTz& tz, int64_t local) {
  Instant as_std = local - tz.std_east, as_dst = local - tz.dst_east;
  if (!tz.has_dst) return as_std;
  bool std_ok = posix_offset_at(tz, as_std) == tz.std_east;
  bool dst_ok = posix_offset_at(tz, as_dst) == tz.dst_east;
  if (std_ok && dst_ok) return std::min(as_std, as_dst);
  if (std_ok) return as_std;
  if (dst_ok) return as_dst;
  // A gap: the transition lies between the two readings of the wall clock.
  Instant lo = std::min(as_std, as_dst), hi = std::max(as_std, as_dst);
  int year = civil_from_days(floor_div(local, kSecondsPerDay)).year;
  for (const auto& tr : transitions_around(tz, year))
    if (tr.at > lo && tr.at <= hi) return tr.at;
  return hi;
}

namespace {

int64_t be(const unsigned char* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  if (n == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

}  // namespace

int32_t TzifData::offset_at(Instant t) const {
  if (transitions.empty() || t < transitions.front())
    return transitions.empty() && footer ? posix_offset_at(*footer, t) : initial_offset;
  if (footer && t > transitions.back()) return posix_offset_at(*footer, t);
  // transitions.front() <= t, so at least one transition lies at or before t.
  return offsets[count_at_or_before(t) - 1];
}

std::size_t TzifData::count_at_or_before(Instant t) const {
  const auto k = static_cast<uint64_t>(t - index_base) >> kBucketShift;
  if (t >= index_base && k < by_bucket.size()) {
    std::size_t i = by_bucket[k];
    while (i < transitions.size() && transitions[i] <= t) ++i;
    return i;
  }
  return static_cast<std::size_t>(std::upper_bound(transitions.begin(), transitions.end(), t) - transitions.begin());
}

Instant TzifData::local_to_instant(int64_t local) const {
  // Span k (0..n) runs from transition k-1 (or the beginning of time) to transition k (or the
  // end of time) at offset off(k). The wall clock names the instant local - off(k) if that
  // lies in span k. Offsets are at most largest_offset, so only spans that reach within it of
  // `local` can: their candidates come in increasing order, and the first is the earliest.
  const std::size_t n = transitions.size();
  auto off = [&](std::size_t k) { return k == 0 ? initial_offset : offsets[k - 1]; };
  const int64_t reach = int64_t{largest_offset} + 1;
  const std::size_t first = count_at_or_before(local - reach);
  for (std::size_t k = first; k <= n; ++k) {
    if (k > 0 && transitions[k - 1] > local + reach) break;
    const Instant t = local - off(k);
    if ((k == 0 || t >= transitions[k - 1]) && (k == n || t < transitions[k])) return t;
  }
  // No span holds it: a gap, opened by the transition whose offset jumps over the wall clock.
  for (std::size_t k = std::max<std::size_t>(first, 1); k <= n; ++k) {
    const Instant at = transitions[k - 1];
    if (local - off(k - 1) >= at && local - off(k) < at) return at;
  }
  return local - off(std::min(first, n));  // never: some span or gap holds every wall clock
}

bool zone_name_allowed(std::string_view name) {
  if (name.empty() || name == "posixrules" || name == "Factory") return false;
  if (name.starts_with("posix/") || name.starts_with("right/")) return false;
  std::size_t segment = 0;
  for (char c : name) {
    if (c == '/') {
      if (segment == 0) return false;
      segment = 0;
      continue;
    }
    bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '-';
    if (!ok) return false;
    ++segment;
  }
  return segment > 0;
}

void TzifData::build_index() {
  by_bucket.clear();
  // From the first transition within the supported years (some files open with a transition
  // at -2^59, "the big bang") to the last.
  auto first = std::lower_bound(transitions.begin(), transitions.end(), kFirstInstant);
  if (first == transitions.end()) return;
  index_base = *first;
  const auto buckets = (static_cast<uint64_t>(transitions.back() - index_base) >> kBucketShift) + 1;
  if (buckets > (uint64_t{1} << 20)) return;  // never for real zones (2037 - 1800 is 3,600 buckets)
  by_bucket.resize(buckets);
  std::size_t i = 0;
  for (uint64_t k = 0; k < buckets; ++k) {
    const Instant start = index_base + static_cast<Instant>(k << kBucketShift);
    while (i < transitions.size() && transitions[i] <= start) ++i;
    by_bucket[k] = static_cast<uint32_t>(i);
  }
}

namespace {

// The bytes of the regular file at `path` of at most `limit` bytes; nothing for anything else
// (a directory, a device, a file that cannot be read, a larger one).
std::optional<std::vector<unsigned char>> read_small_file(const std::string& path, std::size_t limit) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::vector<unsigned char> data;
  struct stat st {};
  bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) <= limit;
  if (ok) {
    data.resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (ok && got < data.size()) {
      const ssize_t r = ::read(fd, data.data() + got, data.size() - got);
      if (r < 0 && errno == EINTR) continue;
      ok = r > 0;
      if (ok) got += static_cast<std::size_t>(r);
    }
  }
  ::close(fd);
  if (!ok) return std::nullopt;
  return data;
}

}  // namespace

std::optional<TzifData> read_tzif(std::string_view zone_name) {
  const char* dir = std::getenv("TZDIR");
  std::string path = std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + std::string(zone_name);
  // The largest zone files are a few kilobytes; a name that picks anything else is no zone.
  auto file = read_small_file(path, std::size_t{1} << 20);
  if (!file) return std::nullopt;
  const std::vector<unsigned char>& data = *file;
  // counts: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt (RFC 8536, section 3.1),
  // unsigned 32-bit numbers: at most 2^20 each here, so that no sum below can overflow.
  auto header = [&](int64_t at, std::array<int64_t, 6>* counts) {
    if (at < 0 || static_cast<int64_t>(data.size()) < at + 44) return false;
    const auto* h = &data[static_cast<std::size_t>(at)];
    if (h[0] != 'T' || h[1] != 'Z' || h[2] != 'i' || h[3] != 'f') return false;
    for (int k = 0; k < 6; ++k) {
      (*counts)[k] = be(h + 20 + 4 * k, 4);
      if ((*counts)[k] < 0 || (*counts)[k] > (int64_t{1} << 20)) return false;
    }
    return true;
  };
  std::array<int64_t, 6> n{};
  if (!header(0, &n) || data[4] < '2') return std::nullopt;
  const int64_t v1 = 44 + n[3] * 5 + n[4] * 6 + n[5] + n[2] * 8 + n[1] + n[0];
  if (!header(v1, &n)) return std::nullopt;
  const int64_t times = v1 + 44, indices = times + n[3] * 8, types = indices + n[3];
  const int64_t end = types + n[4] * 6 + n[5] + n[2] * 12 + n[1] + n[0];
  if (n[4] < 1 || static_cast<int64_t>(data.size()) < end + 2 || data[static_cast<std::size_t>(end)] != '\n')
    return std::nullopt;
  TzifData out;
  auto type_offset = [&](std::size_t type) {
    return static_cast<int32_t>(be(&data[static_cast<std::size_t>(types) + type * 6], 4));
  };
  out.initial_offset = type_offset(0);
  for (int64_t type = 0; type < n[4]; ++type) {
    // RFC 8536 asks for offsets within -25 h..+26 h; Proviso relies on them (Zone::to_instant).
    const int64_t o = type_offset(static_cast<std::size_t>(type));
    if (o < -89999 || o > 93599) return std::nullopt;
    out.largest_offset = static_cast<int32_t>(std::max<int64_t>(out.largest_offset, o < 0 ? -o : o));
  }
  for (int64_t i = 0; i < n[3]; ++i) {
    std::size_t type = data[static_cast<std::size_t>(indices + i)];
    if (static_cast<int64_t>(type) >= n[4]) return std::nullopt;
    const Instant at = be(&data[static_cast<std::size_t>(times + i * 8)], 8);
    // RFC 8536: in ascending order; offset_at and local_to_instant search them.
    if (!out.transitions.empty() && at <= out.transitions.back()) return std::nullopt;
    out.transitions.push_back(at);
    out.offsets.push_back(type_offset(type));
  }
  const auto footer_begin = data.begin() + static_cast<std::ptrdiff_t>(end + 1);
  auto nl = std::find(footer_begin, data.end(), '\n');
  if (nl == data.end()) return std::nullopt;
  auto rule = parse_posix_tz(std::string(footer_begin, nl));
  if (rule && rule->has_dst) out.footer = *rule;
  out.build_index();
  return out;
}

}  // namespace proviso::rt::detail
