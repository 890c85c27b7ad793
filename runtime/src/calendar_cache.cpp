// CalendarCache: interns calendars by their structure so that evaluations which rebuild
// "the same" calendar share one set of year tables; least recently used first out past a
// byte budget, so that calendars built from input-dependent holidays cannot grow a process
// without bound.
#include <proviso/rt/calendar.h>

#include <charconv>
#include <list>
#include <mutex>
#include <unordered_map>

namespace proviso::rt {

namespace {

// Calendars grow after they are cached (their year tables are built as evaluations use them),
// so the total is measured again after this many insertions, not at every one.
constexpr size_t kMeasureEvery = 32;

}  // namespace

struct CalendarCache::Impl {
  struct Entry {
    std::string key;
    std::shared_ptr<const Calendar> calendar;
    size_t bytes = 0;  // as last measured
  };
  mutable std::mutex mu;
  size_t budget = kDefaultBudgetBytes;
  std::list<Entry> lru;                                                    // most recently used first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index;  // views into Entry::key
  size_t total = 0;                                                        // sum of Entry::bytes
  size_t inserted = 0;                                                     // since the last measurement

  size_t measure(const Entry& e) const { return sizeof(Entry) + 2 * e.key.capacity() + e.calendar->memory_bytes(); }

  void remeasure() {
    total = 0;
    for (Entry& e : lru) {
      e.bytes = measure(e);
      total += e.bytes;
    }
    inserted = 0;
  }

  // Past the budget, drops least recently used calendars (never the newest one) until the
  // total is a tenth under it, so that a steady stream of new calendars trims now and then,
  // not at every insertion.
  void trim() {
    if (++inserted >= kMeasureEvery) remeasure();
    if (total <= budget) return;
    remeasure();
    size_t target = budget - budget / 10;
    while (total > target && lru.size() > 1) {
      Entry& last = lru.back();
      index.erase(last.key);
      total -= last.bytes;
      lru.pop_back();
    }
  }
};

CalendarCache::CalendarCache(size_t budget_bytes) : impl_(std::make_unique<Impl>()) { impl_->budget = budget_bytes; }
CalendarCache::~CalendarCache() = default;

namespace {

void append_int(std::string& s, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  s.append(buf, r.ptr);
  s.push_back(',');
}

}  // namespace

Expected<std::shared_ptr<const Calendar>> CalendarCache::get(const std::string& name, const WeeklyHours& hours,
                                                             const Zone* zone,
                                                             std::shared_ptr<const HolidaySet> holidays,
                                                             Duration business_day) {
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

  Impl& c = *impl_;
  std::lock_guard lock(c.mu);
  if (auto it = c.index.find(key); it != c.index.end()) {
    c.lru.splice(c.lru.begin(), c.lru, it->second);
    return it->second->calendar;
  }
  auto made = Calendar::make(name, hours, zone, std::move(holidays), business_day);
  if (!made) return made.take_error();
  c.lru.push_front({std::move(key), *made, 0});
  Impl::Entry& e = c.lru.front();
  e.bytes = c.measure(e);
  c.total += e.bytes;
  c.index.emplace(std::string_view(e.key), c.lru.begin());
  c.trim();
  return made;
}

std::size_t CalendarCache::size() const {
  std::lock_guard lock(impl_->mu);
  return impl_->lru.size();
}

std::size_t CalendarCache::bytes() const {
  std::lock_guard lock(impl_->mu);
  return impl_->total;
}

}  // namespace proviso::rt
