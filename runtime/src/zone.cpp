// Zone: IANA time zones from the system database (date::tz with USE_OS_TZDB), interned for
// the process so that pointers are stable and lookups after the first are a map probe.
#include <proviso/rt/time.h>

#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

#include <date/tz.h>
#include <fmt/format.h>

#include "civil.h"
#include "tzif.h"

namespace proviso::rt {

namespace {

struct ZoneRegistry {
  std::mutex mu;
  std::map<std::string, std::unique_ptr<Zone>, std::less<>> zones;
};

ZoneRegistry& registry() {
  static ZoneRegistry* r = new ZoneRegistry;  // never destroyed: zones outlive all users
  return *r;
}

}  // namespace

const Zone* utc_zone() {
  static const Zone* z = new Zone("UTC", nullptr);
  return z;
}

Expected<const Zone*> Zone::lookup(std::string_view iana_name) {
  if (iana_name == "UTC") return utc_zone();
  ZoneRegistry& r = registry();
  std::lock_guard lock(r.mu);
  if (auto it = r.zones.find(iana_name); it != r.zones.end()) return it->second.get();
  const date::time_zone* tz = nullptr;
  // Names with ".." or a leading '/' would let locate_zone read files outside the database.
  bool plausible = !iana_name.empty() && iana_name.front() != '/' && iana_name.find("..") == std::string_view::npos;
  if (plausible) {
    try {
      tz = date::locate_zone(iana_name);
    } catch (const std::exception&) {
      tz = nullptr;
    }
  }
  if (tz == nullptr)
    return make_error(ErrorCode::UnknownZone, fmt::format("unknown time zone `{}` (expected an IANA name such as "
                                                          "`America/New_York`)",
                                                          iana_name));
  std::shared_ptr<const detail::TzifData> data;
  if (auto d = detail::read_tzif(tz->name())) data = std::make_shared<const detail::TzifData>(std::move(*d));
  auto zone = std::make_unique<Zone>(std::string(iana_name), tz, std::move(data));
  const Zone* p = zone.get();
  r.zones.emplace(std::string(iana_name), std::move(zone));
  return p;
}

Zone::Zone(std::string name, const date::time_zone* tz, std::shared_ptr<const detail::TzifData> data)
    : name_(std::move(name)), tz_(tz), data_(std::move(data)) {}

Zone::~Zone() = default;

int32_t Zone::offset_at(Instant t) const {
  if (tz_ == nullptr) return 0;
  if (data_) return data_->offset_at(t);
  auto info = tz_->get_info(date::sys_seconds{std::chrono::seconds{t}});
  return static_cast<int32_t>(info.offset.count());
}

Date Zone::local_date(Instant t) const {
  return static_cast<Date>(detail::floor_div(t + offset_at(t), kSecondsPerDay));
}

int32_t Zone::local_seconds_of_day(Instant t) const {
  return static_cast<int32_t>(detail::floor_mod(t + offset_at(t), kSecondsPerDay));
}

Instant Zone::to_instant(Date local_date, int32_t seconds_of_day) const {
  int64_t local = int64_t{local_date} * kSecondsPerDay + seconds_of_day;
  if (tz_ == nullptr) return local;
  // No offset exceeds 26 hours, so such a wall clock is past the last listed transition.
  if (data_ && data_->footer && !data_->transitions.empty() && local - 26 * 3600 > data_->transitions.back())
    return detail::posix_to_instant(*data_->footer, local);
  auto info = tz_->get_info(date::local_seconds{std::chrono::seconds{local}});
  switch (info.result) {
    case date::local_info::unique:
    case date::local_info::ambiguous:  // `first` is the earlier of the two instants
      return local - info.first.offset.count();
    case date::local_info::nonexistent:  // the gap ends at the transition
      return info.second.begin.time_since_epoch().count();
  }
  return local - info.first.offset.count();
}

}  // namespace proviso::rt
