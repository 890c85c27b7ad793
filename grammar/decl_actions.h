// Actions that build the header and the declarations from the rules of grammar.h, on top of
// the expression and type actions of actions.h. The builder holds the declaration being read;
// its final action moves it into the module.
#pragma once
#include <string>

#include "grammar/actions.h"

namespace proviso::syntax {

namespace detail {

template <ast::DeclKind Kind>
struct start_decl {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.start_decl(Kind, span_of(in, b).begin);
  }
};

struct finish_decl {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.finish_decl(b.offset(in.end()));
  }
};

template <ast::ValueDecl::Kind Kind>
struct start_value {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.start_decl(ast::DeclKind::Value, span_of(in, b).begin);
    b.decl().value_decl()->kind = Kind;
  }
};

inline int parse_year(Builder& b, Span s) {
  std::string_view t = b.text(s);
  if (t.size() > 4 || t.size() < 4) {
    b.error(s, Code::InvalidHolidays, "expected a four-digit year");
    return 0;
  }
  return std::stoi(std::string(t));
}

}  // namespace detail

// ---- the header ----

template <>
struct action<grammar::header_start> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    b.header().is_module = b.text(s) == "module";
    b.header().span = s;
  }
};

template <>
struct action<grammar::header_name> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.header().name = detail::ident_of(detail::span_of(in, b), b);
  }
};

template <>
struct action<grammar::header_title> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    TextToken t = b.pop_text();
    b.header().title = std::move(t.text);
    b.header().title_span = t.span;
  }
};

namespace detail {
// Sets a header clause, once.
inline void set_once(Builder& b, std::optional<std::string>& field, Span& field_span, TextToken t, const char* word) {
  if (field) {
    b.error(t.span, Code::DuplicateHeaderItem, std::string("the header already has `") + word + "`")
        .related.push_back({field_span, "first given here"});
  }
  field = std::move(t.text);
  field_span = t.span;
}
}  // namespace detail

template <>
struct action<grammar::source_text> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    detail::set_once(b, b.header().source, b.header().source_span, b.pop_text(), "source");
  }
};

template <>
struct action<grammar::version_text> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    detail::set_once(b, b.header().version, b.header().version_span, b.pop_text(), "version");
  }
};

template <>
struct action<grammar::effective_date> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    if (auto problem = check_date(b.text(s))) b.error(s, Code::InvalidDate, *problem);
    detail::set_once(b, b.header().effective, b.header().effective_span, {std::string(b.text(s)), s, 0}, "effective");
  }
};

template <>
struct action<grammar::home_zone_expr> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    ast::ExprPtr e = b.pop_expr();
    if (b.header().home_zone) {
      b.error(e->span, Code::DuplicateHeaderItem, "the header already has `home zone`")
          .related.push_back({b.header().home_zone->span, "first given here"});
    }
    b.header().home_zone = std::move(e);
  }
};

template <>
struct action<grammar::header> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.header().span.end = b.offset(in.end());
  }
};

// ---- shared parts of declarations ----

template <>
struct action<grammar::decl_name> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.set_decl_name(detail::ident_of(detail::span_of(in, b), b));
  }
};

template <>
struct action<grammar::clause_part> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    TextToken t = b.pop_text();
    b.set_clause({std::move(t.text), t.span});
  }
};

template <>
struct action<grammar::value_expr> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    ast::ExprPtr e = b.pop_expr();
    if (b.decl().kind() == ast::DeclKind::Fixture) {
      b.decl().fixture_decl()->value = std::move(e);
    } else {
      b.decl().value_decl()->value = std::move(e);
    }
  }
};

// ---- import, enum, record, input, const/let/decision ----

template <>
struct action<grammar::import_start> : detail::start_decl<ast::DeclKind::Import> {};
template <>
struct action<grammar::import_path> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.decl().import_decl()->path = detail::ident_of(detail::span_of(in, b), b);
  }
};
template <>
struct action<grammar::import_file> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    TextToken t = b.pop_text();
    b.decl().import_decl()->path = {std::move(t.text), t.span};
    b.decl().import_decl()->is_file = true;
  }
};
template <>
struct action<grammar::import_decl> : detail::finish_decl {};

template <>
struct action<grammar::enum_start> : detail::start_decl<ast::DeclKind::Enum> {};
template <>
struct action<grammar::enum_member> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.decl().enum_decl()->members.push_back(detail::ident_of(detail::span_of(in, b), b));
  }
};
template <>
struct action<grammar::enum_decl> : detail::finish_decl {};

template <>
struct action<grammar::record_start> : detail::start_decl<ast::DeclKind::Record> {};
template <>
struct action<grammar::record_decl> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.decl().record_decl()->fields = take_fields(b, detail::span_of(in, b).begin);
    b.finish_decl(b.offset(in.end()));
  }
};

template <>
struct action<grammar::input_start> : detail::start_decl<ast::DeclKind::Input> {};
template <>
struct action<grammar::optional_start> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.start_decl(ast::DeclKind::Input, detail::span_of(in, b).begin);
    b.decl().input_decl()->optional = true;
  }
};
template <>
struct action<grammar::input_record> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    auto t = detail::make_type(ast::TypeExpr::Kind::Record, s);
    t->fields = take_fields(b, s.begin);
    b.types.push_back(std::move(t));
  }
};
template <>
struct action<grammar::input_type> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    b.decl().input_decl()->type = b.pop_type();
  }
};
template <>
struct action<grammar::input_decl> : detail::finish_decl {};
template <>
struct action<grammar::optional_input_decl> : detail::finish_decl {};

template <>
struct action<grammar::value_type> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    b.decl().value_decl()->type = b.pop_type();
  }
};
template <>
struct action<grammar::const_start> : detail::start_value<ast::ValueDecl::Kind::Const> {};
template <>
struct action<grammar::let_start> : detail::start_value<ast::ValueDecl::Kind::Let> {};
template <>
struct action<grammar::decision_start> : detail::start_value<ast::ValueDecl::Kind::Decision> {};
template <>
struct action<grammar::const_decl> : detail::finish_decl {};
template <>
struct action<grammar::let_decl> : detail::finish_decl {};
template <>
struct action<grammar::decision_decl> : detail::finish_decl {};

// ---- calendars ----

template <>
struct action<grammar::calendar_start> : detail::start_decl<ast::DeclKind::Calendar> {};

template <>
struct action<grammar::first_day> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    b.line = ast::HoursLine{};
    b.line.from_day = b.line.to_day = weekday_index(b.text(s));
    b.line.span = s;
  }
};
template <>
struct action<grammar::last_day> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.line.to_day = weekday_index(b.text(detail::span_of(in, b)));
  }
};
template <>
struct action<grammar::every_day> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.line = ast::HoursLine{};
    b.line.every_day = true;
    b.line.span = detail::span_of(in, b);
  }
};
template <>
struct action<grammar::time_from> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    if (auto problem = check_clock(b.text(s), false, &b.range_from)) b.error(s, Code::InvalidTimeOfDay, *problem);
  }
};
template <>
struct action<grammar::time_to> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    int32_t to = 0;
    if (auto problem = check_clock(b.text(s), true, &to)) b.error(s, Code::InvalidTimeOfDay, *problem);
    b.line.ranges.emplace_back(b.range_from, to);
  }
};
template <>
struct action<grammar::hours_line> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.line.span = detail::span_of(in, b);
    // The same lines make a calendar's hours and a schedule's.
    if (ast::ScheduleDecl* s = b.decl().schedule_decl())
      s->hours.push_back(std::move(b.line));
    else
      b.decl().calendar_decl()->hours.push_back(std::move(b.line));
    b.line = ast::HoursLine{};
  }
};
template <>
struct action<grammar::cal_schedule> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    ast::ExprPtr e = b.pop_expr();
    // `schedule if C then A else B` takes the zone line into B as membership (`B in ZONE`): the
    // `else` of an `if` runs to the end of the expression. Say so rather than miss the `in`.
    const ast::Expr* last = e.get();
    while (last && last->kind == ast::ExprKind::If) last = last->else_branch.get();
    if (last && last->kind == ast::ExprKind::Binary && last->binary_op == ast::BinaryOp::In)
      b.fail(e->span, Code::Syntax,
             "the `in` of the calendar's zone was read as part of this `if`: put the `if` in parentheses");
    ast::CalendarDecl& c = *b.decl().calendar_decl();
    if (c.schedule) {
      b.error(s, Code::CalendarHoursTwice, "a calendar has one `schedule` line")
          .related.push_back({c.schedule_span, "the first is here"});
      return;
    }
    c.schedule = std::move(e);
    c.schedule_span = s;
  }
};
template <>
struct action<grammar::cal_zone> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    b.decl().calendar_decl()->zone = b.pop_expr();
  }
};
template <>
struct action<grammar::cal_holidays> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    b.decl().calendar_decl()->holidays = b.pop_expr();
  }
};
template <>
struct action<grammar::cal_day_length> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    b.decl().calendar_decl()->business_day = b.pop_expr();
  }
};
template <>
struct action<grammar::calendar_decl> : detail::finish_decl {};

// ---- schedules ----

template <>
struct action<grammar::schedule_start> : detail::start_decl<ast::DeclKind::Schedule> {};
template <>
struct action<grammar::schedule_decl> : detail::finish_decl {};

// ---- holiday sets ----

template <>
struct action<grammar::holidays_start> : detail::start_decl<ast::DeclKind::Holidays> {};
template <>
struct action<grammar::holidays_title> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    b.decl().holidays_decl()->title = b.pop_text().text;
  }
};
template <>
struct action<grammar::valid_from_year> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.decl().holidays_decl()->valid_from = detail::parse_year(b, detail::span_of(in, b));
  }
};
template <>
struct action<grammar::valid_to_year> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.decl().holidays_decl()->valid_to = detail::parse_year(b, detail::span_of(in, b));
  }
};
template <>
struct action<grammar::holidays_valid> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    ast::HolidaysDecl& h = *b.decl().holidays_decl();
    h.valid_span = detail::span_of(in, b);
    if (h.valid_from > h.valid_to)
      b.error(h.valid_span, Code::InvalidHolidays, "the first year of `valid` comes after the last");
  }
};

template <>
struct action<grammar::rule_start> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.rule = ast::HolidayRuleDecl{};
    b.rule.span = detail::span_of(in, b);
    b.easter_sign = 1;
    b.sunday_only = false;
    b.open.clear();
  }
};
template <>
struct action<grammar::rule_month> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.rule.month = month_index(b.text(detail::span_of(in, b)));
  }
};
template <>
struct action<grammar::rule_day> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    std::string_view t = b.text(s);
    int day = t.size() > 2 ? 99 : std::stoi(std::string(t));
    if (day < 1 || day > days_in_month(b.rule.month)) {
      b.error(s, Code::InvalidHolidays,
              "invalid day: " + std::string(ast::month_name(b.rule.month)) + " has no day " + std::string(t));
    }
    b.rule.day = day;
  }
};
template <>
struct action<grammar::rule_fixed> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    b.rule.kind = ast::HolidayRuleDecl::Kind::Fixed;
  }
};
template <>
struct action<grammar::relation_on_or> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    b.rule.inclusive = true;
  }
};
template <>
struct action<grammar::relation_before> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    b.rule.kind = ast::HolidayRuleDecl::Kind::WeekdayBefore;
  }
};
template <>
struct action<grammar::relation_after> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    b.rule.kind = ast::HolidayRuleDecl::Kind::WeekdayAfter;
  }
};
template <>
struct action<grammar::rule_ordinal> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    int n = ordinal_index(b.text(detail::span_of(in, b)));
    b.rule.kind = n < 0 ? ast::HolidayRuleDecl::Kind::LastWeekday : ast::HolidayRuleDecl::Kind::NthWeekday;
    b.rule.nth = n < 0 ? 0 : n;
  }
};
template <>
struct action<grammar::rule_weekday> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.rule.weekday = weekday_index(b.text(detail::span_of(in, b)));
  }
};
template <>
struct action<grammar::rule_easter> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    b.rule.kind = ast::HolidayRuleDecl::Kind::Easter;
  }
};
template <>
struct action<grammar::easter_minus> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    b.easter_sign = -1;
  }
};
template <>
struct action<grammar::easter_days> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    std::string_view t = b.text(s);
    if (t.size() > 3) {
      b.error(s, Code::InvalidHolidays, "expected at most 366 days from Easter");
      return;
    }
    b.rule.easter_offset = b.easter_sign * std::stoi(std::string(t));
  }
};

namespace detail {
template <ast::HolidayRuleDecl::Observance O>
struct observe {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    if (b.rule.observance != ast::HolidayRuleDecl::Observance::None) {
      b.error(span_of(in, b), Code::InvalidHolidays,
              "a holiday rule can say `observed nearest weekday` or `substitute next weekday`, once");
    }
    b.rule.observance = O;
  }
};
}  // namespace detail

template <>
struct action<grammar::rule_observed> : detail::observe<ast::HolidayRuleDecl::Observance::NearestWeekday> {};
template <>
struct action<grammar::sunday_only> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    b.sunday_only = true;
  }
};
template <>
struct action<grammar::rule_substitute> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    using O = ast::HolidayRuleDecl::Observance;
    detail::observe<O::SubstituteNextWeekday>::apply(in, b);
    if (b.sunday_only) b.rule.observance = O::SubstituteSunday;
    b.sunday_only = false;
  }
};
// `open 09:00-13:00, ...`: the ranges were read into the line under construction.
template <>
struct action<grammar::open_hours> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.open = std::move(b.line.ranges);
    b.open_span = detail::span_of(in, b);
    b.line = ast::HoursLine{};
  }
};
template <>
struct action<grammar::rule_open> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    if (!b.rule.open.empty()) b.error(b.open_span, Code::InvalidHolidays, "the holiday rule already has `open` hours");
    b.rule.open = std::move(b.open);
    b.rule.open_span = b.open_span;
    b.open.clear();
  }
};
template <>
struct action<grammar::from_year> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    if (b.rule.from_year) b.error(s, Code::InvalidHolidays, "the holiday rule already has `from`");
    b.rule.from_year = detail::parse_year(b, s);
  }
};
template <>
struct action<grammar::until_year> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    if (b.rule.until_year) b.error(s, Code::InvalidHolidays, "the holiday rule already has `until`");
    b.rule.until_year = detail::parse_year(b, s);
  }
};
template <>
struct action<grammar::rule_name> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    b.rule.name = b.pop_text().text;
  }
};
template <>
struct action<grammar::holiday_rule> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.rule.span = detail::span_of(in, b);
    b.decl().holidays_decl()->rules.push_back(std::move(b.rule));
    b.rule = ast::HolidayRuleDecl{};
  }
};

namespace detail {
// A date of `add`, `remove` or `move`; `to_date` for the new date of `move`.
template <bool ToDate>
struct change_date {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = span_of(in, b);
    if (auto problem = check_date(b.text(s))) b.error(s, Code::InvalidDate, *problem);
    b.texts.push_back({std::string(b.text(s)), s, ToDate ? 2 : 1});
  }
};
}  // namespace detail

template <>
struct action<grammar::change_date> : detail::change_date<false> {};
template <>
struct action<grammar::change_to_date> : detail::change_date<true> {};

namespace detail {
template <ast::DateChange::Kind Kind>
struct finish_change {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    ast::DateChange c;
    c.kind = Kind;
    c.span = span_of(in, b);
    for (TextToken& t : Builder::take_from(b.texts, c.span.begin, [](const TextToken& x) { return x.span.begin; })) {
      (t.tag == 2 ? c.to_date : c.date) = std::move(t.text);
    }
    if (Kind == ast::DateChange::Kind::Add) c.open = std::move(b.open);
    b.open.clear();
    b.decl().holidays_decl()->changes.push_back(std::move(c));
  }
};
}  // namespace detail

template <>
struct action<grammar::holiday_add> : detail::finish_change<ast::DateChange::Kind::Add> {};
template <>
struct action<grammar::holiday_remove> : detail::finish_change<ast::DateChange::Kind::Remove> {};
template <>
struct action<grammar::holiday_move> : detail::finish_change<ast::DateChange::Kind::Move> {};
template <>
struct action<grammar::holidays_decl> : detail::finish_decl {};

// ---- tables ----

template <>
struct action<grammar::table_start> : detail::start_decl<ast::DeclKind::Table> {};
template <>
struct action<grammar::column_alias> : detail::push_ident {};
template <>
struct action<grammar::table_column> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    Span s = detail::span_of(in, b);
    ast::TableColumn col;
    if (!b.idents.empty() && b.idents.back().span.begin >= s.begin) col.alias = b.pop_ident();
    col.expr = b.pop_expr();
    b.decl().table_decl()->given.push_back(std::move(col));
  }
};
template <>
struct action<grammar::table_gives> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.decl().table_decl()->gives = take_fields(b, detail::span_of(in, b).begin);
  }
};
template <>
struct action<grammar::hit_unique> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    b.decl().table_decl()->hit = ast::TableDecl::Hit::Unique;
  }
};
template <>
struct action<grammar::hit_first> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    b.decl().table_decl()->hit = ast::TableDecl::Hit::First;
  }
};
template <>
struct action<grammar::table_hit> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.decl().table_decl()->hit_written = true;
    b.decl().table_decl()->hit_span = detail::span_of(in, b);
  }
};
template <>
struct action<grammar::table_row> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    ast::TableRow row;
    row.span = detail::span_of(in, b);
    row.cells = Builder::take_from(b.conds, row.span.begin, [](const ast::Condition& c) { return c.span.begin; });
    b.decl().table_decl()->rows.push_back(std::move(row));
  }
};
template <>
struct action<grammar::table_decl> : detail::finish_decl {};

// ---- exclusions, fixtures, tests ----

template <>
struct action<grammar::exclusions_start> : detail::start_decl<ast::DeclKind::Exclusions> {};
template <>
struct action<grammar::exclusion_entry> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    ast::ExclusionEntry entry;
    entry.when = b.pop_expr();
    TextToken clause = b.pop_text();
    entry.clause = std::move(clause.text);
    entry.clause_span = clause.span;
    entry.span = detail::span_of(in, b);
    b.decl().exclusions_decl()->entries.push_back(std::move(entry));
  }
};
template <>
struct action<grammar::exclusions_decl> : detail::finish_decl {};

template <>
struct action<grammar::fixture_start> : detail::start_decl<ast::DeclKind::Fixture> {};
template <>
struct action<grammar::fixture_decl> : detail::finish_decl {};

template <>
struct action<grammar::test_start> : detail::start_decl<ast::DeclKind::Test> {};
template <>
struct action<grammar::test_name> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    TextToken t = b.pop_text();
    b.decl().test_decl()->name = std::move(t.text);
    b.decl().test_decl()->name_span = t.span;
  }
};
template <>
struct action<grammar::given_input> : detail::push_ident {};
template <>
struct action<grammar::test_given> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    ast::TestGiven g;
    g.value = b.pop_expr();
    g.input = b.pop_ident();
    g.span = detail::span_of(in, b);
    b.decl().test_decl()->givens.push_back(std::move(g));
  }
};
template <>
struct action<grammar::expect_name> : detail::push_ident {};
template <>
struct action<grammar::expect_value> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    ast::TestExpect x;
    x.value = b.pop_expr();
    x.decision = b.pop_ident();
    b.decl().test_decl()->expects.push_back(std::move(x));
  }
};
template <>
struct action<grammar::expect_error> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    ast::TestExpect x;
    x.is_error = true;
    x.error = b.pop_text().text;
    b.decl().test_decl()->expects.push_back(std::move(x));
  }
};
template <>
struct action<grammar::test_expect> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.decl().test_decl()->expects.back().span = detail::span_of(in, b);
  }
};
template <>
struct action<grammar::test_decl> : detail::finish_decl {};

}  // namespace proviso::syntax
