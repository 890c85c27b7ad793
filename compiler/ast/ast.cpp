// Declarations, and small helpers shared by the parser and the formatter.
#include "compiler/ast/ast.h"

#include <cstdio>

namespace proviso::ast {

Decl Decl::of_kind(DeclKind kind, Span span) {
  Decl d;
  d.span = span;
  switch (kind) {
    case DeclKind::Import: d.node = std::make_unique<ImportDecl>(); break;
    case DeclKind::Enum: d.node = std::make_unique<EnumDecl>(); break;
    case DeclKind::Record: d.node = std::make_unique<RecordDecl>(); break;
    case DeclKind::Input: d.node = std::make_unique<InputDecl>(); break;
    case DeclKind::Value: d.node = std::make_unique<ValueDecl>(); break;
    case DeclKind::Calendar: d.node = std::make_unique<CalendarDecl>(); break;
    case DeclKind::Schedule: d.node = std::make_unique<ScheduleDecl>(); break;
    case DeclKind::Holidays: d.node = std::make_unique<HolidaysDecl>(); break;
    case DeclKind::Table: d.node = std::make_unique<TableDecl>(); break;
    case DeclKind::Exclusions: d.node = std::make_unique<ExclusionsDecl>(); break;
    case DeclKind::Fixture: d.node = std::make_unique<FixtureDecl>(); break;
    case DeclKind::Test: d.node = std::make_unique<TestDecl>(); break;
  }
  return d;
}

const Ident* decl_name(const Decl& d) {
  switch (d.kind()) {
    case DeclKind::Enum: return &d.enum_decl()->name;
    case DeclKind::Record: return &d.record_decl()->name;
    case DeclKind::Input: return &d.input_decl()->name;
    case DeclKind::Value: return &d.value_decl()->name;
    case DeclKind::Calendar: return &d.calendar_decl()->name;
    case DeclKind::Schedule: return &d.schedule_decl()->name;
    case DeclKind::Holidays: return &d.holidays_decl()->name;
    case DeclKind::Table: return &d.table_decl()->name;
    case DeclKind::Exclusions: return &d.exclusions_decl()->name;
    case DeclKind::Fixture: return &d.fixture_decl()->name;
    default: return nullptr;
  }
}

const char* weekday_name(int weekday) {
  static const char* const names[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  return weekday >= 0 && weekday < 7 ? names[weekday] : "?";
}

std::string weekday_list(const std::vector<int>& days) {
  std::vector<std::string> runs;
  for (size_t i = 0; i < days.size();) {
    size_t j = i;
    while (j + 1 < days.size() && days[j + 1] == days[j] + 1) ++j;
    std::string run = weekday_name(days[i]);
    if (j > i) run += std::string(" to ") + weekday_name(days[j]);
    runs.push_back(std::move(run));
    i = j + 1;
  }
  std::string out;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (i) out += i + 1 == runs.size() ? " and " : ", ";
    out += runs[i];
  }
  return out;
}

std::string clock_text(int32_t seconds) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", seconds / 3600, (seconds % 3600) / 60);
  return buf;
}

const char* month_name(int month) {
  static const char* const names[] = {"January", "February", "March",     "April",   "May",      "June",
                                      "July",    "August",   "September", "October", "November", "December"};
  return month >= 1 && month <= 12 ? names[month - 1] : "?";
}

}  // namespace proviso::ast
