// Zones: lookup, offsets on both sides of DST, wall clock to instant in gaps and overlaps,
// formatting with the zone's offset, and rules after 2037 (past the TZif transition lists).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include <unistd.h>

#include <date/tz.h>

#include <proviso/rt/time.h>

#include "test_support.h"

using namespace proviso::rt;
using proviso::rt::test::at;
using proviso::rt::test::day;
using proviso::rt::test::zone;

namespace {

// What Zone::to_instant gave when it asked date::tz: the reference for wall clocks up to the
// last transition the zone file lists.
Instant date_tz_to_instant(const date::time_zone* tz, int64_t local) {
  auto info = tz->get_info(date::local_seconds{std::chrono::seconds{local}});
  if (info.result == date::local_info::nonexistent) return info.second.begin.time_since_epoch().count();
  return local - info.first.offset.count();
}

std::string tz_directory() {
  const char* dir = std::getenv("TZDIR");
  return dir && *dir ? dir : "/usr/share/zoneinfo";
}

}  // namespace

TEST_CASE("zone lookup is cached and rejects unknown names", "[zone]") {
  const Zone* ny = zone("America/New_York");
  CHECK(ny->name() == "America/New_York");
  CHECK(zone("America/New_York") == ny);
  CHECK(zone("UTC") == utc_zone());
  for (const char* bad : {"Mars/Olympus_Mons", "", "../etc/passwd", "/etc/localtime", "america/new_york ", "America",
                          "America/", "America//New_York", "America/New_York/", "./UTC", "zone.tab", "right/UTC",
                          "posix/UTC", "posixrules", "Factory"}) {
    INFO(bad);
    auto z = Zone::lookup(bad);
    REQUIRE_FALSE(z.ok());
    CHECK(z.error().code == ErrorCode::UnknownZone);
  }
  // Concurrent first lookups agree on one pointer.
  const Zone* seen[4] = {};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([&seen, i] { seen[i] = Zone::lookup("Asia/Kolkata").value(); });
  for (auto& t : threads) t.join();
  CHECK((seen[0] == seen[1] && seen[1] == seen[2] && seen[2] == seen[3]));
}

TEST_CASE("damaged zone files are no zones, and never crash the reader", "[zone]") {
  // A database of our own (TZDIR): one good file, and damaged copies of it.
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("proviso-tzdir-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "Test" / "Directory");
  std::ifstream in(tz_directory() + "/America/New_York", std::ios::binary);
  const std::string good((std::istreambuf_iterator<char>(in)), {});
  REQUIRE(good.size() > 200);
  auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream(dir / "Test" / name, std::ios::binary) << bytes;
  };
  write("Good", good);
  write("Empty", "");
  write("Truncated", good.substr(0, 60));
  write("Cut", good.substr(0, good.size() / 2));
  std::string counts = good;  // the v1 header's transition count: 0xFFFFFFFF
  counts.replace(32, 4, "\xff\xff\xff\xff");
  write("Counts", counts);
  std::string huge = good;  // the v1 header's type count: 2^31 - 1
  huge.replace(36, 4, "\x7f\xff\xff\xff");
  write("Huge", huge);
  write("Text", "# version 2026a\nnot a zone file\n");
  write("Large", std::string(size_t{2} << 20, 'T'));
  // The first two transitions of the 64-bit data swapped: out of the ascending order RFC 8536
  // requires, which the searches rely on.
  auto count = [&](size_t at) {
    return size_t{static_cast<unsigned char>(good[at])} << 24 | size_t{static_cast<unsigned char>(good[at + 1])} << 16 |
           size_t{static_cast<unsigned char>(good[at + 2])} << 8 | size_t{static_cast<unsigned char>(good[at + 3])};
  };
  const size_t v2 = 44 + count(32) * 5 + count(36) * 6 + count(40) + count(28) * 8 + count(24) + count(20);
  REQUIRE(good.compare(v2, 4, "TZif") == 0);
  REQUIRE(count(v2 + 32) >= 2);
  std::string unsorted = good;
  std::swap_ranges(unsorted.begin() + static_cast<std::ptrdiff_t>(v2 + 44),
                   unsorted.begin() + static_cast<std::ptrdiff_t>(v2 + 52),
                   unsorted.begin() + static_cast<std::ptrdiff_t>(v2 + 52));
  write("Unsorted", unsorted);
  std::string v1 = good;  // version 1: no 64-bit data
  v1[4] = '\0';
  write("Version1", v1);

  const char* saved = std::getenv("TZDIR");
  const std::string restore = saved ? saved : "";
  ::setenv("TZDIR", dir.c_str(), 1);
  CHECK(Zone::lookup("Test/Good").ok());
  for (const char* name : {"Test/Empty", "Test/Truncated", "Test/Cut", "Test/Counts", "Test/Huge", "Test/Text",
                           "Test/Large", "Test/Version1", "Test/Unsorted", "Test/Directory", "Test/Missing", "Test"}) {
    INFO(name);
    auto z = Zone::lookup(name);
    REQUIRE_FALSE(z.ok());
    CHECK(z.error().code == ErrorCode::UnknownZone);
  }
  // A name found to be no zone stays none for the process, even once its file appears: inputs
  // that repeat it do not look for the file each time.
  REQUIRE_FALSE(Zone::lookup("Test/Later").ok());
  write("Later", good);
  CHECK_FALSE(Zone::lookup("Test/Later").ok());
  write("Sooner", good);
  CHECK(Zone::lookup("Test/Sooner").ok());
  if (saved)
    ::setenv("TZDIR", restore.c_str(), 1);
  else
    ::unsetenv("TZDIR");
  fs::remove_all(dir);
}

TEST_CASE("format_datetime writes the zone's offset at that instant", "[zone]") {
  struct Row {
    const char* utc;
    const char* zone;
    const char* local;
  };
  const Row rows[] = {
      {"2026-11-27T21:00:00Z", "America/New_York", "2026-11-27T16:00:00-05:00"},
      {"2026-07-01T16:00:00Z", "America/New_York", "2026-07-01T12:00:00-04:00"},
      {"2026-03-08T06:59:59Z", "America/New_York", "2026-03-08T01:59:59-05:00"},
      {"2026-03-08T07:00:00Z", "America/New_York", "2026-03-08T03:00:00-04:00"},
      {"2026-11-01T05:30:00Z", "America/New_York", "2026-11-01T01:30:00-04:00"},
      {"2026-11-01T06:30:00Z", "America/New_York", "2026-11-01T01:30:00-05:00"},
      {"2026-07-01T16:00:00Z", "UTC", "2026-07-01T16:00:00+00:00"},
      {"2026-01-15T12:00:00Z", "Europe/London", "2026-01-15T12:00:00+00:00"},
      {"2026-07-15T12:00:00Z", "Europe/London", "2026-07-15T13:00:00+01:00"},
      {"2026-01-01T00:00:00Z", "Asia/Kolkata", "2026-01-01T05:30:00+05:30"},
      {"2026-01-01T12:00:00Z", "America/St_Johns", "2026-01-01T08:30:00-03:30"},
      {"2026-10-03T16:00:00Z", "Australia/Sydney", "2026-10-04T03:00:00+11:00"},
      // After 2037 the rules come from the zone file's POSIX footer.
      {"2040-07-01T16:00:00Z", "America/New_York", "2040-07-01T12:00:00-04:00"},
      {"2040-01-15T16:00:00Z", "America/New_York", "2040-01-15T11:00:00-05:00"},
      {"2040-03-11T06:59:59Z", "America/New_York", "2040-03-11T01:59:59-05:00"},
      {"2040-03-11T07:00:00Z", "America/New_York", "2040-03-11T03:00:00-04:00"},
      {"2040-11-04T05:30:00Z", "America/New_York", "2040-11-04T01:30:00-04:00"},
      {"2040-11-04T06:30:00Z", "America/New_York", "2040-11-04T01:30:00-05:00"},
      {"2060-01-01T00:00:00Z", "Australia/Sydney", "2060-01-01T11:00:00+11:00"},
      {"2099-07-15T12:00:00Z", "Australia/Sydney", "2099-07-15T22:00:00+10:00"},
      {"2099-07-15T12:00:00Z", "Europe/London", "2099-07-15T13:00:00+01:00"},
  };
  for (const Row& r : rows) {
    INFO(r.utc << " in " << r.zone);
    CHECK(format_datetime(at(r.utc), *zone(r.zone)) == r.local);
    CHECK(at(r.local) == at(r.utc));
  }
}

TEST_CASE("local date and seconds of day", "[zone]") {
  const Zone* ny = zone("America/New_York");
  CHECK(ny->local_date(at("2026-11-27T21:00:00Z")) == day("2026-11-27"));
  CHECK(ny->local_seconds_of_day(at("2026-11-27T21:00:00Z")) == 16 * 3600);
  CHECK(ny->local_date(at("2026-11-28T04:59:59Z")) == day("2026-11-27"));
  CHECK(ny->local_date(at("2026-11-28T05:00:00Z")) == day("2026-11-28"));
  CHECK(ny->offset_at(at("2026-07-01T00:00:00Z")) == -4 * 3600);
  CHECK(utc_zone()->offset_at(at("2026-07-01T00:00:00Z")) == 0);
}

TEST_CASE("to_instant: gaps give the transition, overlaps the earlier instant", "[zone]") {
  struct Row {
    const char* zone;
    const char* date;
    int h, m;
    const char* utc;
  };
  const Row rows[] = {
      {"America/New_York", "2026-03-08", 2, 30, "2026-03-08T07:00:00Z"},  // gap
      {"America/New_York", "2026-03-08", 1, 59, "2026-03-08T06:59:00Z"},
      {"America/New_York", "2026-03-08", 3, 0, "2026-03-08T07:00:00Z"},
      {"America/New_York", "2026-11-01", 1, 30, "2026-11-01T05:30:00Z"},  // overlap: EDT
      {"America/New_York", "2026-11-01", 2, 0, "2026-11-01T07:00:00Z"},
      {"America/New_York", "2026-11-27", 16, 0, "2026-11-27T21:00:00Z"},
      {"Europe/London", "2026-03-29", 1, 30, "2026-03-29T01:00:00Z"},     // gap
      {"Europe/London", "2026-10-25", 1, 30, "2026-10-25T00:30:00Z"},     // overlap: BST
      {"Australia/Sydney", "2026-10-04", 2, 30, "2026-10-03T16:00:00Z"},  // gap
      {"Australia/Sydney", "2026-04-05", 2, 30, "2026-04-04T15:30:00Z"},  // overlap: AEDT
      {"America/New_York", "2040-03-11", 2, 30, "2040-03-11T07:00:00Z"},  // footer rules
      {"America/New_York", "2040-11-04", 1, 30, "2040-11-04T05:30:00Z"},
      {"Australia/Sydney", "2060-10-03", 2, 30, "2060-10-02T16:00:00Z"},
      {"UTC", "2026-03-08", 2, 30, "2026-03-08T02:30:00Z"},
  };
  for (const Row& r : rows) {
    INFO(r.zone << " " << r.date << " " << r.h << ":" << r.m);
    CHECK(format_datetime_utc(zone(r.zone)->to_instant(day(r.date), r.h * 3600 + r.m * 60)) == r.utc);
  }
  const Zone* ny = zone("America/New_York");
  CHECK(ny->to_instant(day("2026-03-07"), 86400) == ny->to_instant(day("2026-03-08"), 0));
}

TEST_CASE("offsets agree with date::tz wherever its transition lists reach", "[zone]") {
  // Up to 2037 the system database lists every transition, so the two readers must agree.
  const char* names[] = {"America/New_York", "Europe/London", "Australia/Sydney",   "Asia/Kolkata",
                         "America/St_Johns", "Europe/Dublin", "Pacific/Chatham",    "Africa/Casablanca",
                         "America/Santiago", "Asia/Tokyo",    "Pacific/Kiritimati", "Australia/Lord_Howe"};
  const Instant from = at("1900-01-01T00:00:00Z"), to = at("2037-01-01T00:00:00Z");
  for (const char* name : names) {
    const Zone* z = zone(name);
    const date::time_zone* tz = date::locate_zone(name);
    int mismatches = 0;
    for (Instant t = from; t < to; t += 86400 * 3 + 3607) {
      auto info = tz->get_info(date::sys_seconds{std::chrono::seconds{t}});
      if (info.offset.count() != z->offset_at(t) && ++mismatches < 3)
        FAIL_CHECK(name << " at " << format_datetime_utc(t) << ": " << z->offset_at(t) << " vs date::tz "
                        << info.offset.count());
    }
  }
}

TEST_CASE("offsets agree with date::tz on both sides of every transition", "[zone]") {
  // The second before, at and after each transition date::tz lists from 1800 to 2037, where
  // offset_at's index (TzifData::build_index) hands over from one bucket to the next.
  const char* names[] = {"America/New_York", "Europe/London",     "Africa/Casablanca", "Pacific/Chatham",
                         "America/Santiago", "Pacific/Apia",      "Asia/Kolkata",      "Australia/Lord_Howe",
                         "Europe/Moscow",    "America/Sao_Paulo", "Antarctica/Troll",  "Pacific/Kiritimati"};
  const Instant from = at("1800-01-01T00:00:00Z"), to = at("2037-01-01T00:00:00Z");
  size_t transitions = 0;
  for (const char* name : names) {
    const Zone* z = zone(name);
    const date::time_zone* tz = date::locate_zone(name);
    int mismatches = 0;
    for (Instant t = from; t < to;) {
      auto info = tz->get_info(date::sys_seconds{std::chrono::seconds{t}});
      const Instant next = info.end.time_since_epoch().count();
      if (next <= t || next >= to) break;
      ++transitions;
      for (Instant probe : {next - 1, next, next + 1}) {
        auto want = tz->get_info(date::sys_seconds{std::chrono::seconds{probe}}).offset.count();
        if (want != z->offset_at(probe) && ++mismatches < 3)
          FAIL_CHECK(name << " at " << format_datetime_utc(probe) << ": " << z->offset_at(probe) << " vs date::tz "
                          << want);
      }
      t = next;
    }
  }
  CHECK(transitions > 1000);
}

TEST_CASE("the zones known are those date::tz lists from the system database", "[zone]") {
  // Every name date::tz lists is a zone; every other TZif file under the database's directory
  // (posix/, right/, posixrules, Factory) is not; nor is any other file there.
  std::set<std::string> listed;
  for (const date::time_zone& z : date::get_tzdb().zones) listed.insert(std::string(z.name()));
  REQUIRE(listed.size() > 300);
  for (const std::string& name : listed) {
    auto z = Zone::lookup(name);
    if (!z.ok()) FAIL_CHECK(name << ": " << z.error().message);
  }
  const std::filesystem::path root = tz_directory();
  size_t others = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(root); it != std::filesystem::end(it); ++it) {
    if (it->is_directory()) continue;
    std::string name = std::filesystem::relative(it->path(), root).generic_string();
    if (listed.contains(name)) continue;
    ++others;
    auto z = Zone::lookup(name);
    if (z.ok()) FAIL_CHECK(name << " is a zone here, but not in date::tz's list");
  }
  CHECK(others > 0);
}

TEST_CASE("to_instant agrees with date::tz around every transition of every zone", "[zone]") {
  // For each transition up to the zone file's last (2037), wall clocks on both sides of where
  // it falls in the old and the new offset: gaps, overlaps and the seconds at their edges.
  // Beyond the last, the footer's rule answers (tested above and by the monotony test).
  const int64_t steps[] = {-7201, -3601, -3600, -1801, -1, 0, 1, 59, 1799, 1800, 3599, 3600, 3601, 7200};
  size_t probes = 0;
  for (const date::time_zone& tz : date::get_tzdb().zones) {
    const std::string name(tz.name());
    const Zone* z = Zone::lookup(name).value();
    int mismatches = 0;
    auto probe = [&](int64_t local) {
      ++probes;
      const Date d = static_cast<Date>(local >= 0 ? local / 86400 : (local - 86399) / 86400);
      const int32_t s = static_cast<int32_t>(local - int64_t{d} * 86400);
      const Instant want = date_tz_to_instant(&tz, local), got = z->to_instant(d, s);
      if (want != got && ++mismatches <= 3)
        FAIL_CHECK(name << " at local " << format_date(d) << " +" << s << "s: " << format_datetime_utc(got)
                        << " vs date::tz " << format_datetime_utc(want));
    };
    const Instant from = at("1800-01-01T00:00:00Z"), to = at("2037-01-01T00:00:00Z");
    // A wall clock in the middle of each year, and the first of January.
    for (int64_t local = from; local < to; local += 86400 * 365 / 2) probe(local);
    for (Instant t = from; t < to;) {
      auto info = tz.get_info(date::sys_seconds{std::chrono::seconds{t}});
      const Instant next = info.end.time_since_epoch().count();
      if (next <= t || next >= to) break;
      const int64_t before = info.offset.count();
      const int64_t after = tz.get_info(date::sys_seconds{std::chrono::seconds{next}}).offset.count();
      for (int64_t step : steps) {
        probe(next + before + step);
        probe(next + after + step);
      }
      t = next;
    }
  }
  CHECK(probes > 100000);
}

TEST_CASE("to_instant inverts local time and is monotone", "[zone]") {
  for (const char* name :
       {"America/New_York", "Europe/London", "Australia/Sydney", "Australia/Lord_Howe", "America/Santiago"}) {
    const Zone* z = zone(name);
    Instant previous = INT64_MIN;
    for (Date d = day("2025-01-01"); d <= day("2045-12-31"); ++d) {
      for (int32_t s = 0; s < 86400; s += 1800) {
        Instant t = z->to_instant(d, s);
        if (t < previous) FAIL(name << " not monotone at " << format_date(d) << " +" << s);
        previous = t;
        // Outside gaps the instant reads back as the same wall clock.
        if (z->local_date(t) == d && z->local_seconds_of_day(t) != s && z->offset_at(t) == z->offset_at(t - 7200))
          FAIL(name << " does not read back at " << format_date(d) << " +" << s);
      }
    }
  }
}
