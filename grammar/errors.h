// What the parser says when a rule in `must<>` fails: one `error_message<Rule>` table, as in
// PEGTL's json_errors example; and the control that raises those errors, unwinds the
// builder's stacks when a rule backtracks, and limits how deeply expressions nest.
#pragma once
#include <string>
#include <type_traits>

#include "grammar/builder.h"
#include "grammar/grammar.h"
#include "grammar/lexical.h"

namespace proviso::syntax {

template <typename Rule>
inline constexpr const char* error_message = nullptr;

#define PROVISO_ERROR(rule, text) \
  template <>                     \
  inline constexpr const char* error_message<grammar::rule> = text

// literals
PROVISO_ERROR(datetime_clock, "expected a time such as `16:00` or `16:00:00` after `T` in the datetime");
PROVISO_ERROR(datetime_offset, "expected a time zone offset such as `Z` or `-05:00` at the end of the datetime");
PROVISO_ERROR(business_unit_word, "expected `minutes`, `hours` or `days` after `business`");
PROVISO_ERROR(escape_code, "unknown escape in a text literal: use `\\\"`, `\\\\`, `\\n` or `\\t`");
PROVISO_ERROR(text_close, "unterminated text literal");

// expressions
PROVISO_ERROR(paren_body, "expected an expression after `(`");
PROVISO_ERROR(paren_close, "expected `)` to close the parenthesis");
PROVISO_ERROR(list_item, "expected a list element after `,`");
PROVISO_ERROR(list_close, "expected `]` to close the list");
PROVISO_ERROR(field_init_colon, "expected `:` after the field name");
PROVISO_ERROR(field_init_value, "expected the field's value after `:`");
PROVISO_ERROR(field_init, "expected a field `name: value` after `,`");
PROVISO_ERROR(record_close, "expected `}` to close the record, or a field `name: value`");
PROVISO_ERROR(if_cond, "expected a condition after `if`");
PROVISO_ERROR(if_then_word, "expected `then` after the condition of `if`");
PROVISO_ERROR(if_then, "expected an expression after `then`");
PROVISO_ERROR(if_else_word, "expected `else` and a value: an `if` needs an `else` branch");
PROVISO_ERROR(if_else, "expected an expression after `else`");
PROVISO_ERROR(range_hi, "expected the end of the range after `..` or `..<`");
PROVISO_ERROR(alt_value, "expected a pattern after `|`");
PROVISO_ERROR(arm_arrow, "expected `=>` after the match pattern");
PROVISO_ERROR(arm_body, "expected an expression after `=>`");
PROVISO_ERROR(match_operand, "expected the value to match after `match`");
PROVISO_ERROR(match_open, "expected `{` and the arms of the match");
PROVISO_ERROR(match_close, "expected `}` to close the match, or an arm `PATTERN => VALUE`");
PROVISO_ERROR(collect_when, "expected `when` and a condition after the collected value");
PROVISO_ERROR(collect_cond, "expected a condition after `when`");
PROVISO_ERROR(collect_item, "expected an item `VALUE when CONDITION` after `,`");
PROVISO_ERROR(collect_close, "expected `}` to close the collect, or an item `VALUE when CONDITION`");
PROVISO_ERROR(agg_list, "expected a list after `in`");
PROVISO_ERROR(agg_rest, "expected `:` after the list of the aggregation, or `excluding \"CLAUSE\" when CONDITION`");
PROVISO_ERROR(agg_exclusion,
              "expected an exclusion `\"CLAUSE\" when CONDITION` after `excluding`, such as `\"4(a)\" when "
              "i.planned`");
PROVISO_ERROR(agg_when, "expected `when` and a condition after the clause of the exclusion");
PROVISO_ERROR(agg_cond, "expected a condition after `when`");
PROVISO_ERROR(agg_body, "expected an expression after `:`");
PROVISO_ERROR(call_arg, "expected an argument after `,`");
PROVISO_ERROR(call_close, "expected `)` to close the arguments of the call");
PROVISO_ERROR(field_name, "expected a field name after `.`");
PROVISO_ERROR(with_open, "expected `{` and the changed fields after `with`");
PROVISO_ERROR(with_close, "expected `}` to close the fields of `with`, or a field `name: value`");
PROVISO_ERROR(times_rhs, "expected an expression after `*`");
PROVISO_ERROR(divide_rhs, "expected an expression after `/`");
PROVISO_ERROR(of_rhs, "expected an expression after `of`");
PROVISO_ERROR(plus_rhs, "expected an expression after `+`");
PROVISO_ERROR(minus_rhs, "expected an expression after `-`");
PROVISO_ERROR(eq_rhs, "expected an expression after `==`");
PROVISO_ERROR(ne_rhs, "expected an expression after `!=`");
PROVISO_ERROR(le_rhs, "expected an expression after `<=`");
PROVISO_ERROR(lt_rhs, "expected an expression after `<`");
PROVISO_ERROR(ge_rhs, "expected an expression after `>=`");
PROVISO_ERROR(gt_rhs, "expected an expression after `>`");
PROVISO_ERROR(in_rhs, "expected a list or a calendar after `in`");
PROVISO_ERROR(not_in_word, "expected `in` after `not` (as in `x not in [A, B]`)");
PROVISO_ERROR(not_in_rhs, "expected a list after `not in`");
PROVISO_ERROR(pausing_list, "expected the list of pauses after `pausing`");
PROVISO_ERROR(as_of_instant, "expected the instant after `as of`: the datetime an open pause lasts until");
PROVISO_ERROR(is_what, "expected `present` or `none` after `is`");
PROVISO_ERROR(and_rhs, "expected an expression after `and`");
PROVISO_ERROR(or_rhs, "expected an expression after `or`");
PROVISO_ERROR(coalesce_rhs, "expected an expression after `??`");

// types
PROVISO_ERROR(int_hi, "expected the upper bound of the range after `..`");
PROVISO_ERROR(list_of_word, "expected `of` and the element type after `list`, as in `list of text`");
PROVISO_ERROR(list_elem_type, "expected the element type after `list of`");
PROVISO_ERROR(type_in_parens, "expected a type such as `integer` or `date` after `(`");
PROVISO_ERROR(type_paren_close, "expected `)` after the type");
PROVISO_ERROR(field_decl_colon, "expected `:` and the field's type after the field name");
PROVISO_ERROR(field_decl_type, "expected a type such as `integer` or `date`");
PROVISO_ERROR(value_type_expr, "expected a type such as `integer` or `date`");
PROVISO_ERROR(input_type_expr, "expected a type such as `integer` or `date`");

// the header
PROVISO_ERROR(header_unit, "expected `policy NAME \"TITLE\"` (or `module NAME \"TITLE\"`) at the start of the file");
PROVISO_ERROR(header_name, "expected the module's dotted name, such as `acme.support`");
PROVISO_ERROR(source_text, "expected the source document's name in quotes after `source`");
PROVISO_ERROR(version_text, "expected the version in quotes after `version`, such as `version \"1.0\"`");
PROVISO_ERROR(effective_date, "expected a date such as `2024-01-01` after `effective`");
PROVISO_ERROR(home_zone_word, "expected `zone` after `home`");
PROVISO_ERROR(home_zone_expr, "expected the home time zone after `home zone`");

// declarations
PROVISO_ERROR(declaration_unit, "expected a declaration such as `decision`, `table`, `calendar` or `test`");
PROVISO_ERROR(clause_text, "expected the clause's citation in quotes, such as `clause \"2.3\"`");
PROVISO_ERROR(value_expr, "expected an expression after `=`");
PROVISO_ERROR(import_target,
              "expected a module after `import`: a standard one such as `stdlib.holidays`, or a file in quotes "
              "such as `\"lib/hours.policy\"`");
PROVISO_ERROR(enum_name, "expected the enum's name after `enum`");
PROVISO_ERROR(enum_equals, "expected `=` and the enum's members after its name");
PROVISO_ERROR(enum_member, "expected an enum member name");
PROVISO_ERROR(record_name, "expected the record's name after `record`");
PROVISO_ERROR(record_open, "expected `{` and the record's fields");
PROVISO_ERROR(fields_close, "expected `}` or another field `name: type`");
PROVISO_ERROR(optional_input_word, "expected `input` after `optional`");
PROVISO_ERROR(input_name, "expected the input's name after `input`");
PROVISO_ERROR(input_type, "expected `{` and the input's fields, or `:` and its type");
PROVISO_ERROR(const_name, "expected the constant's name after `const`");
PROVISO_ERROR(const_equals, "expected `=` and the constant's value");
PROVISO_ERROR(let_name, "expected the name after `let`");
PROVISO_ERROR(let_equals, "expected `=` and the value after the name");
PROVISO_ERROR(decision_name, "expected the decision's name after `decision`");
PROVISO_ERROR(decision_type, "expected `:` and the decision's type after its name");
PROVISO_ERROR(decision_equals, "expected `=` after the decision's type");

// calendars
PROVISO_ERROR(calendar_name, "expected the calendar's name after `calendar`");
PROVISO_ERROR(time_dash, "expected `-` and the end of the range, as in `09:00-17:00`");
PROVISO_ERROR(time_to, "expected the time the range ends, such as `17:00`");
PROVISO_ERROR(time_range, "expected a range of working hours such as `13:00-17:00` after `,`");
PROVISO_ERROR(hours_ranges, "expected working hours such as `09:00-17:00` after the days");
PROVISO_ERROR(last_day, "expected a weekday such as `Friday` after `to`");
PROVISO_ERROR(every_day_word, "expected `day` after `every`");
PROVISO_ERROR(cal_in,
              "expected working hours such as `Monday to Friday 09:00-17:00`, or `in` and the calendar's time zone");
PROVISO_ERROR(cal_schedule_expr, "expected a schedule after `schedule`, such as the name of one");
PROVISO_ERROR(schedule_name, "expected the schedule's name after `schedule`");
PROVISO_ERROR(cal_zone, "expected the calendar's time zone after `in`");
PROVISO_ERROR(cal_holidays, "expected the holidays after `except`");
PROVISO_ERROR(cal_business,
              "expected `business day` and the length of the calendar's business day, such as `business day 8 hours`");
PROVISO_ERROR(cal_day_word, "expected `day` after `business`");
PROVISO_ERROR(cal_day_length, "expected the length of a business day after `business day`, such as `8 hours`");

// holidays
PROVISO_ERROR(holidays_name, "expected the holiday set's name after `holidays`");
PROVISO_ERROR(holidays_valid, "expected `valid FROM to UNTIL`, the years the holiday set is defined for");
PROVISO_ERROR(valid_from_year, "expected the first year after `valid`");
PROVISO_ERROR(valid_to_word, "expected `to` and the last year after the first year");
PROVISO_ERROR(valid_to_year, "expected the last year after `to`");
PROVISO_ERROR(rule_date,
              "expected a date rule such as `January 1`, `third Monday of January`, `Monday before May 25` or "
              "`easter - 2 days`");
PROVISO_ERROR(rule_relation, "expected `before`, `after`, `on or before` or `on or after` after the weekday");
PROVISO_ERROR(relative_month, "expected a month and day such as `May 25` after `before` or `after`");
PROVISO_ERROR(sunday_word,
              "expected `Sunday` after `if`: `substitute next weekday if Sunday` moves a Sunday holiday only");
PROVISO_ERROR(open_ranges, "expected the open hours such as `09:00-13:00` after `open`");
PROVISO_ERROR(rule_day, "expected the day of the month after the month, as in `January 1`");
PROVISO_ERROR(rule_weekday, "expected a weekday such as `Monday` after the ordinal");
PROVISO_ERROR(rule_of, "expected `of` and a month, as in `third Monday of January`");
PROVISO_ERROR(rule_nth_month, "expected a month such as `January` after `of`");
PROVISO_ERROR(easter_days, "expected a number of days, as in `easter - 2 days`");
PROVISO_ERROR(easter_day_unit, "expected `days` after the number of days from Easter");
PROVISO_ERROR(nearest_word, "expected `nearest weekday` after `observed`");
PROVISO_ERROR(next_word, "expected `next weekday` after `substitute`");
PROVISO_ERROR(weekday_after, "expected `weekday`");
PROVISO_ERROR(from_year, "expected a year after `from`");
PROVISO_ERROR(until_year, "expected a year after `until`");
PROVISO_ERROR(change_date, "expected a date such as `2026-12-24`");
PROVISO_ERROR(change_to_word, "expected `to` and the new date after the date that moves");
PROVISO_ERROR(change_to_date, "expected the new date after `to`, such as `2026-12-28`");

// tables
PROVISO_ERROR(table_name, "expected the table's name after `table`");
PROVISO_ERROR(table_given, "expected `given` and the table's input columns");
PROVISO_ERROR(given_columns, "expected an input column after `given`");
PROVISO_ERROR(table_column, "expected an input column after `,`");
PROVISO_ERROR(column_alias, "expected the column's name after `as`");
PROVISO_ERROR(table_gives, "expected `gives` and the table's output columns, such as `gives fee: money`");
PROVISO_ERROR(gives_field, "expected an output column `name: type`");
PROVISO_ERROR(hit_policy, "expected `unique` or `first` after `hit`");
PROVISO_ERROR(cell, "expected a table cell: a value, `-`, `A, B`, `1..3`, `< 5` or `not A`");
PROVISO_ERROR(cell_value, "expected a value after the comparison in the table cell");
PROVISO_ERROR(cell_not_values, "expected a value after `not` in the table cell");
PROVISO_ERROR(cell_more_value, "expected a value after `,` in the table cell");
PROVISO_ERROR(row_bar, "expected `|` to close the table row");

// exclusions, fixtures, tests
PROVISO_ERROR(exclusions_name, "expected the name of the exclusion list after `exclusions`");
PROVISO_ERROR(exclusion_when, "expected `when` and a condition after the exclusion's clause");
PROVISO_ERROR(exclusion_cond, "expected a condition after `when`");
PROVISO_ERROR(fixture_name, "expected the fixture's name after `fixture`");
PROVISO_ERROR(fixture_equals, "expected `=` and the fixture's value");
PROVISO_ERROR(test_name, "expected the test's name in quotes, such as `test \"severity 1 by phone\"`");
PROVISO_ERROR(given_input, "expected the name of an input after `given`");
PROVISO_ERROR(given_equals, "expected `=` and the input's value");
PROVISO_ERROR(given_value, "expected the input's value after `=`");
PROVISO_ERROR(expect_body, "expected a decision's name or `error` after `expect`");
PROVISO_ERROR(expect_equals, "expected `=` and the expected value");
PROVISO_ERROR(expect_value_expr, "expected the expected value after `=`");

#undef PROVISO_ERROR

// The diagnostic code of a rule's error: a syntax error, unless the rule is where a token
// that was recognised turns out to be malformed.
template <typename Rule>
inline constexpr Code error_code = Code::Syntax;
template <>
inline constexpr Code error_code<grammar::escape_code> = Code::InvalidText;

// Rules whose nesting is counted: every recursion of the grammar passes through one of them.
template <typename Rule>
inline constexpr bool counts_nesting =
    std::is_same_v<Rule, grammar::postfix_expr> || std::is_same_v<Rule, grammar::type_primary>;

// Where an error is reported: at the next token (the default), on the same line (a table
// row's closing `|` belongs to its line), or exactly where the rule failed (inside a token).
enum class ErrorAt { NextToken, SameLine, Here };
template <typename Rule>
inline constexpr ErrorAt error_at = ErrorAt::NextToken;
template <>
inline constexpr ErrorAt error_at<grammar::row_bar> = ErrorAt::SameLine;
template <>
inline constexpr ErrorAt error_at<grammar::datetime_clock> = ErrorAt::Here;
template <>
inline constexpr ErrorAt error_at<grammar::datetime_offset> = ErrorAt::Here;
template <>
inline constexpr ErrorAt error_at<grammar::escape_code> = ErrorAt::Here;

// Rules written as PEGTL templates in place (`opt<a, b>`, `star<x>`) rather than named.
template <typename Rule>
struct is_template_instance : std::false_type {};
template <template <typename...> class T, typename... Args>
struct is_template_instance<T<Args...>> : std::true_type {};

// Named rules made of other rules may fail after their parts pushed nodes: those are unwound.
// INVARIANT: a rule written in place never fails after an action inside it ran (the grammar
// names every such rule), so those, and tokens, need no mark.
template <typename Rule>
inline constexpr bool unwinds =
    Rule::subs_t::size != 0 && !is_template_instance<Rule>::value && !std::is_base_of_v<grammar::token, Rule>;

// The message of a failed `text_close`: unterminated, or a character a text may not hold.
std::string text_close_message(const Builder& b, const char* at, Span* span, Code* code);
// The token at `p` without skipping to another line: empty at a line's end or a comment.
Span error_span(const Builder& b, const char* p);
// From `p`, back over white space and comments to the end of the last token, then forward
// over blanks on that line: the offending token on the line, or the line's end.
const char* same_line_token(const Builder& b, const char* p);

template <typename Rule>
struct control : tao::pegtl::normal<Rule> {
  template <typename Input>
  static void start(const Input& in, Builder& b) {
    if constexpr (counts_nesting<Rule>) {
      if (++b.depth > kMaxNesting) {
        b.fail(b.offset(skip_blank_and_comments(in.current(), in.end())), Code::NestingTooDeep,
               "expressions nest too deeply (limit " + std::to_string(kMaxNesting) + ")");
      }
    }
    if constexpr (unwinds<Rule>) b.push_mark();
  }

  template <typename Input>
  static void success(const Input&, Builder& b) {
    if constexpr (unwinds<Rule>) b.pop_mark();
    if constexpr (counts_nesting<Rule>) --b.depth;
  }

  template <typename Input>
  static void failure(const Input&, Builder& b) {
    if constexpr (unwinds<Rule>) b.restore_mark();
    if constexpr (counts_nesting<Rule>) --b.depth;
  }

  // Every action may change the stacks: the version tells restore_mark() to look.
  template <template <typename...> class Action, typename Iterator, typename Input>
  static auto apply(const Iterator& begin, const Input& in, Builder& b)
      -> decltype(tao::pegtl::normal<Rule>::template apply<Action>(begin, in, b)) {
    b.touch();
    return tao::pegtl::normal<Rule>::template apply<Action>(begin, in, b);
  }

  template <typename Input>
  [[noreturn]] static void raise(const Input& in, Builder& b) {
    static_assert(error_message<Rule> != nullptr, "a rule in must<> needs an error_message (errors.h)");
    if constexpr (std::is_same_v<Rule, grammar::text_close>) {
      Span span;
      Code code = Code::UnterminatedText;
      std::string message = text_close_message(b, in.current(), &span, &code);
      b.fail(span, code, std::move(message));
    } else if constexpr (error_at<Rule> == ErrorAt::NextToken) {
      b.fail(b.offset(skip_blank_and_comments(in.current(), in.end())), error_code<Rule>, error_message<Rule>);
    } else {
      // `must<>` does not rewind: the failed rule may have read white space past the line.
      const char* p = error_at<Rule> == ErrorAt::SameLine ? same_line_token(b, in.current()) : in.current();
      b.fail(error_span(b, p), error_code<Rule>, error_message<Rule>);
    }
  }
};

}  // namespace proviso::syntax
