// CalendarCache: interns calendars by their structure so that evaluations which rebuild
// "the same" calendar share one set of year tables.
#include <proviso/rt/calendar.h>

#include <charconv>
#include <mutex>
#include <unordered_map>

namespace proviso::rt {

struct CalendarCache::Impl {
  mutable std::mutex mu;
  std::unordered_map<std::string, std::shared_ptr<const Calendar>> calendars;
};

CalendarCache::CalendarCache() : impl_(std::make_unique<Impl>()) {}
CalendarCache::~CalendarCache() = default;

namespace {

void append_int(std::string& s, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  s.append(buf, r.ptr);
  s.push_back(',');
}

}  // namespace

Expected<std::shared_ptr<const Calendar>> CalendarCache::get(
    const std::string& name, const WeeklyHours& hours, const Zone* zone,
    std::shared_ptr<const HolidaySet> holidays, Duration business_day) {
  // '\x1f' cannot occur in names, zone names or holiday keys built from them.
  std::string key;
  key.reserve(name.size() + 128 + (holidays ? holidays->key().size() : 0));
  key += name;
  key += '\x1f';
  for (const auto& day : hours.days) {
    for (const TimeRange& r : day) {
      append_int(key, r.start);
      append_int(key, r.end);
    }
    key += ';';
  }
  key += '\x1f';
  if (zone) key += zone->name();
  key += '\x1f';
  if (holidays) key += holidays->key();
  key += '\x1f';
  append_int(key, business_day);

  std::lock_guard lock(impl_->mu);
  if (auto it = impl_->calendars.find(key); it != impl_->calendars.end()) return it->second;
  auto made = Calendar::make(name, hours, zone, std::move(holidays), business_day);
  if (!made) return made.take_error();
  impl_->calendars.emplace(std::move(key), *made);
  return made;
}

std::size_t CalendarCache::size() const {
  std::lock_guard lock(impl_->mu);
  return impl_->calendars.size();
}

}  // namespace proviso::rt
