// Zone: IANA time zones from the system database, read from its TZif files (tzif.h) and
// interned for the process so that pointers are stable and lookups after the first are a map
// probe.
#include <proviso/rt/time.h>

#include <map>
#include <memory>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "civil.h"
#include "tzif.h"

namespace proviso::rt {

namespace {

struct ZoneRegistry {
  std::mutex mu;
  std::map<std::string, std::unique_ptr<Zone>, std::less<>> zones;
  // Names found to be no zone, so that inputs that repeat one do not look for its file each
  // time; at most kUnknownKept of them (inputs may hold any number of distinct names).
  static constexpr size_t kUnknownKept = 4096;
  std::set<std::string, std::less<>> unknown;
};

ZoneRegistry& registry() {
  static ZoneRegistry* r = new ZoneRegistry;  // never destroyed: zones outlive all users
  return *r;
}

}  // namespace

const Zone* utc_zone() {
  static const Zone* z = new Zone("UTC");
  return z;
}

Expected<const Zone*> Zone::lookup(std::string_view iana_name) {
  if (iana_name == "UTC") return utc_zone();
  ZoneRegistry& r = registry();
  std::lock_guard lock(r.mu);
  if (auto it = r.zones.find(iana_name); it != r.zones.end()) return it->second.get();
  // The name picks a file of the database: only names such as "America/New_York" may, so
  // that none reads a file elsewhere ("../", a leading '/').
  std::optional<detail::TzifData> data;
  if (detail::zone_name_allowed(iana_name) && !r.unknown.contains(iana_name)) data = detail::read_tzif(iana_name);
  if (!data) {
    if (r.unknown.size() < ZoneRegistry::kUnknownKept) r.unknown.emplace(iana_name);
    return make_error(ErrorCode::UnknownZone, fmt::format("unknown time zone `{}` (expected an IANA name such as "
                                                          "`America/New_York`)",
                                                          iana_name));
  }
  auto zone =
      std::make_unique<Zone>(std::string(iana_name), std::make_shared<const detail::TzifData>(std::move(*data)));
  const Zone* p = zone.get();
  r.zones.emplace(std::string(iana_name), std::move(zone));
  return p;
}

Zone::Zone(std::string name, std::shared_ptr<const detail::TzifData> data)
    : name_(std::move(name)), data_(std::move(data)) {}

Zone::~Zone() = default;

int32_t Zone::offset_at(Instant t) const { return data_ ? data_->offset_at(t) : 0; }

Date Zone::local_date(Instant t) const {
  return static_cast<Date>(detail::floor_div(t + offset_at(t), kSecondsPerDay));
}

int32_t Zone::local_seconds_of_day(Instant t) const {
  return static_cast<int32_t>(detail::floor_mod(t + offset_at(t), kSecondsPerDay));
}

Instant Zone::to_instant(Date local_date, int32_t seconds_of_day) const {
  int64_t local = int64_t{local_date} * kSecondsPerDay + seconds_of_day;
  if (!data_) return local;
  const detail::TzifData& d = *data_;
  // No offset exceeds 26 hours, so such a wall clock is past the last listed transition,
  // where the footer's rule takes over (as in offset_at).
  if (d.footer && (d.transitions.empty() || local - 26 * 3600 > d.transitions.back()))
    return detail::posix_to_instant(*d.footer, local);
  return d.local_to_instant(local);
}

}  // namespace proviso::rt
