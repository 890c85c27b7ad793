// The stdlib holiday sets, compiled from stdlib/holidays.policy, against the published lists
// for 2020-2030 (tests/data/holidays/*.txt: gov.uk bank holidays, OPM federal holidays).
#include <fstream>
#include <set>
#include <string>

#include <proviso/rt/time.h>
#include <catch2/catch.hpp>

#include "compiler/interp/interpreter.h"
#include "tests/compiler/helpers.h"

namespace {

std::set<std::string> published(const std::string& name) {
  std::ifstream in(std::string(PROVISO_SOURCE_DIR) + "/tests/data/holidays/" + name + ".txt");
  std::set<std::string> dates;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#') dates.insert(line);
  return dates;
}

// The holiday set a policy's constant names, through the language itself.
std::shared_ptr<const proviso::rt::HolidaySet> compiled_set(const std::string& name) {
  auto r = proviso::testing::compile("import stdlib.holidays\nconst h: holidays = " + name +
                                     "\ndecision d: bool clause \"x\" = true\n");
  REQUIRE(proviso::testing::first_error(r) == "");
  REQUIRE(r.ok());
  const auto& p = *r.program;
  int v = p.find_value("h");
  REQUIRE(v >= 0);
  proviso::interp::Interpreter interp(p);
  proviso::ir::Value out;
  proviso::ir::EvalError err;
  REQUIRE(interp.evaluate_constant(p.values[v].body, &out, &err));
  return out.as_holidays();
}

}  // namespace

TEST_CASE("stdlib us_federal matches the published federal holidays 2020-2030", "[stdlib]") {
  auto set = compiled_set("us_federal");
  std::set<std::string> got;
  for (int year = 2020; year <= 2030; ++year) {
    auto dates = set->dates_in_year(year);
    REQUIRE(dates.ok());
    for (auto d : *dates) got.insert(proviso::rt::format_date(d));
  }
  auto want = published("us_federal");
  REQUIRE(want.size() > 100);
  CHECK(got == want);
  CHECK(set->holiday_name(*proviso::rt::parse_date("2026-11-26")) == "Thanksgiving Day");
}

TEST_CASE("stdlib england_wales matches the published bank holidays 2020-2030", "[stdlib]") {
  auto set = compiled_set("england_wales");
  std::set<std::string> got;
  for (int year = 2020; year <= 2030; ++year) {
    auto dates = set->dates_in_year(year);
    REQUIRE(dates.ok());
    for (auto d : *dates) got.insert(proviso::rt::format_date(d));
  }
  auto want = published("england_wales");
  REQUIRE(want.size() > 80);
  CHECK(got == want);
}

TEST_CASE("holiday sets are defined only for their valid years", "[stdlib]") {
  auto set = compiled_set("us_federal");
  auto before = set->is_holiday(*proviso::rt::parse_date("1969-12-25"));
  CHECK_FALSE(before.ok());
  auto after = set->is_holiday(*proviso::rt::parse_date("2101-01-01"));
  CHECK_FALSE(after.ok());
}
