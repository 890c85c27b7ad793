// The table of diagnostic codes: name, severity and summary of each (docs/DIAGNOSTICS.md has
// the full entries), and look-up by identifier or name.
#include "compiler/ast/diagnostic_codes.h"

#include <array>
#include <cctype>

#include <fmt/format.h>

namespace proviso {

namespace {

using S = Severity;

constexpr std::array kCodes = {
    CodeInfo{Code::Syntax, "syntax", S::Error, "the parser cannot read the text here"},
    CodeInfo{Code::UnterminatedText, "unterminated-text", S::Error, "a text literal has no closing quote on its line"},
    CodeInfo{Code::InvalidText, "invalid-text", S::Error,
             "a text literal holds an unknown escape, a control character or invalid UTF-8"},
    CodeInfo{Code::InvalidDate, "invalid-date", S::Error, "a date or datetime names no real day or time"},
    CodeInfo{Code::InvalidTimeOfDay, "invalid-time-of-day", S::Error,
             "working hours use a time of day outside `00:00` to `24:00`"},
    CodeInfo{Code::InvalidLiteral, "invalid-literal", S::Error,
             "a number, money, duration or period literal is not valid as written"},
    CodeInfo{Code::NumberTooLarge, "number-too-large", S::Error, "a literal is too large to represent"},
    CodeInfo{Code::DuplicateHeaderItem, "duplicate-header-item", S::Error, "the header gives the same item twice"},
    CodeInfo{Code::InvalidHolidays, "invalid-holidays", S::Error, "a holiday set or one of its rules is not valid"},
    CodeInfo{Code::TooManyErrors, "too-many-errors", S::Note, "the parser stopped after too many syntax errors"},
    CodeInfo{Code::FileTooLarge, "file-too-large", S::Error, "the file is over 8 MiB or holds too many expressions"},
    CodeInfo{Code::NestingTooDeep, "nesting-too-deep", S::Error,
             "expressions or declarations nest more deeply than the checker allows"},
    CodeInfo{Code::DeclarationTooLarge, "declaration-too-large", S::Error,
             "an enum, record, input, table or match is over its size limit"},
    CodeInfo{Code::DuplicateDeclaration, "duplicate-declaration", S::Error, "two declarations have the same name"},
    CodeInfo{Code::DuplicateField, "duplicate-field", S::Error,
             "a record type declares a field twice, or a record value gives it twice"},
    CodeInfo{Code::DuplicateMember, "duplicate-member", S::Error, "an enum lists a member twice"},
    CodeInfo{Code::UnknownName, "unknown-name", S::Error, "a name that nothing declares"},
    CodeInfo{Code::UnknownType, "unknown-type", S::Error, "a type that is neither built in nor declared"},
    CodeInfo{Code::UnknownField, "unknown-field", S::Error, "a record has no field of that name"},
    CodeInfo{Code::UnknownColumn, "unknown-column", S::Error, "a table has no output column of that name"},
    CodeInfo{Code::UnknownMember, "unknown-member", S::Error, "an enum has no member of that name"},
    CodeInfo{Code::UnknownFunction, "unknown-function", S::Error, "a call to a function that does not exist"},
    CodeInfo{Code::UnknownImport, "unknown-import", S::Error,
             "an import names a module that does not exist, or a file that cannot be imported"},
    CodeInfo{Code::AmbiguousMember, "ambiguous-member", S::Error,
             "a bare member name belongs to several enums and the context does not say which"},
    CodeInfo{Code::TypeUsedAsValue, "type-used-as-value", S::Error,
             "an enum or record name stands where a value should"},
    CodeInfo{Code::TableUsedAsValue, "table-used-as-value", S::Error, "a table is used without naming a column"},
    CodeInfo{Code::Cycle, "cycle", S::Error,
             "a declaration depends on itself, or modules import each other in a circle"},
    CodeInfo{Code::NotAllowedInModule, "not-allowed-in-module", S::Error,
             "a library module declares an input, a decision, exclusions or a test"},
    CodeInfo{Code::ConstantReadsInput, "constant-reads-input", S::Error,
             "a constant, fixture or test value depends on the inputs"},
    CodeInfo{Code::FixtureOutsideTest, "fixture-outside-test", S::Error, "a fixture is used outside a test"},
    CodeInfo{Code::TypeMismatch, "type-mismatch", S::Error, "a value has a different type than the place it is used"},
    CodeInfo{Code::DeclaredTypeMismatch, "declared-type-mismatch", S::Error,
             "a decision, let or constant's expression does not have its declared type"},
    CodeInfo{Code::ConditionNotBool, "condition-not-bool", S::Error, "a condition is not a `bool`"},
    CodeInfo{Code::NoneNotAllowed, "none-not-allowed", S::Error, "`none` where the type is not optional"},
    CodeInfo{Code::BranchesDiffer, "branches-differ", S::Error,
             "the branches of an `if`, `match`, list or `??` give different types"},
    CodeInfo{Code::InvalidOperands, "invalid-operands", S::Error,
             "an arithmetic operator does not apply to these types"},
    CodeInfo{Code::InvalidComparison, "invalid-comparison", S::Error, "a comparison does not apply to these types"},
    CodeInfo{Code::CompareWithNone, "compare-with-none", S::Error, "a comparison with `none` instead of `is none`"},
    CodeInfo{Code::CurrencyMismatch, "currency-mismatch", S::Error, "money in two different currencies is combined"},
    CodeInfo{Code::NotARecord, "not-a-record", S::Error, "a field is read from, or `with` applied to, a non-record"},
    CodeInfo{Code::NotAList, "not-a-list", S::Error, "a list operation is applied to something that is not a list"},
    CodeInfo{Code::InvalidArgument, "invalid-argument", S::Error,
             "a function or aggregation is given a value of a type it does not take"},
    CodeInfo{Code::WrongArgumentCount, "wrong-argument-count", S::Error,
             "a function is called with the wrong number of arguments"},
    CodeInfo{Code::InvalidRounding, "invalid-rounding", S::Error,
             "`round` is given places or a rounding mode it does not accept"},
    CodeInfo{Code::TypeNotKnown, "type-not-known", S::Error,
             "an empty list, empty `collect` or record literal whose type nothing gives"},
    CodeInfo{Code::MoneySumUnsupported, "money-sum-unsupported", S::Error, "`sum` over money is not supported yet"},
    CodeInfo{Code::MissingField, "missing-field", S::Error, "a record value leaves out a required field"},
    CodeInfo{Code::MayBeAbsent, "may-be-absent", S::Error, "an optional value is used without handling `none`"},
    CodeInfo{Code::NeverAbsent, "never-absent", S::Error,
             "`is present`, `is none` or `??` is applied to a value that is never absent"},
    CodeInfo{Code::AlwaysNone, "always-none", S::Error, "a value without a type annotation is always `none`"},
    CodeInfo{Code::OptionalTwice, "optional-twice", S::Error, "a type is made optional twice (`T??`)"},
    CodeInfo{Code::InvalidTypeRange, "invalid-type-range", S::Error,
             "a bound of an integer range is not a 64-bit integer"},
    CodeInfo{Code::EmptyRange, "empty-range", S::Error, "a range whose lower bound is above its upper bound"},
    CodeInfo{Code::OptionalInput, "optional-input", S::Error, "an input is made optional with `?`"},
    CodeInfo{Code::InputNotRecord, "input-not-record", S::Error, "an input is not a record or a list of records"},
    CodeInfo{Code::InvalidDecisionType, "invalid-decision-type", S::Error,
             "a decision has a type that cannot be output (calendar, schedule, holidays, zone)"},
    CodeInfo{Code::InvalidCalendarAddition, "invalid-calendar-addition", S::Error,
             "`in CALENDAR` is applied to something other than datetime + duration"},
    CodeInfo{
        Code::NotMatchable, "not-matchable", S::Error,
        "a `match` is over a type other than enum, bool or integer, or a table column over one that is not ordered"},
    CodeInfo{Code::UnknownZone, "unknown-zone", S::Error, "a time zone name that the IANA database does not know"},
    CodeInfo{Code::MatchNotExhaustive, "match-not-exhaustive", S::Error, "a `match` does not cover every value"},
    CodeInfo{Code::UnreachableArm, "unreachable-arm", S::Error, "a `match` arm that earlier arms cover entirely"},
    CodeInfo{Code::TableGap, "table-gap", S::Error, "a case that no row of a table matches"},
    CodeInfo{Code::TableOverlap, "table-overlap", S::Error, "two rows of a `hit unique` table match the same case"},
    CodeInfo{Code::UnreachableRow, "unreachable-row", S::Error, "a table row that earlier rows cover entirely"},
    CodeInfo{Code::WrongCellCount, "wrong-cell-count", S::Error, "a table row has more or fewer cells than columns"},
    CodeInfo{Code::InvalidOutputCell, "invalid-output-cell", S::Error, "an output cell is not a single value"},
    CodeInfo{Code::EmptyTable, "empty-table", S::Error, "a table has no rows"},
    CodeInfo{Code::TableNotChecked, "table-not-checked", S::Warning,
             "a table has too many combinations to check for gaps and overlaps"},
    CodeInfo{Code::InvalidPattern, "invalid-pattern", S::Error,
             "a table cell or `match` pattern does not fit its column's type"},
    CodeInfo{Code::InvalidWorkingHours, "invalid-working-hours", S::Error,
             "a calendar's or schedule's working hours run backwards, repeat a day or overlap"},
    CodeInfo{Code::NoWorkingTime, "no-working-time", S::Error, "a calendar or schedule has no working time at all"},
    CodeInfo{Code::InvalidBusinessDay, "invalid-business-day", S::Error,
             "a calendar's business day is not a duration from 0 to 24 hours"},
    CodeInfo{Code::DuplicateExclusion, "duplicate-exclusion", S::Error, "an exclusion list names a clause twice"},
    CodeInfo{Code::DuplicateTest, "duplicate-test", S::Error, "two tests have the same name"},
    CodeInfo{Code::DuplicateGiven, "duplicate-given", S::Error, "a test gives the same input twice"},
    CodeInfo{Code::TestMissingInput, "test-missing-input", S::Error, "a test does not give a required input"},
    CodeInfo{Code::NoClause, "no-clause", S::Warning, "a decision or exclusion list cites no clause of the contract"},
    CodeInfo{Code::Unused, "unused", S::Warning, "a declaration that nothing uses"},
    CodeInfo{Code::EvaluationTooDeep, "evaluation-too-deep", S::Error,
             "evaluating a decision would nest deeper than an evaluation may"},
    CodeInfo{Code::ConstantFails, "constant-fails", S::Error, "a constant cannot be computed"},
    CodeInfo{Code::AlwaysFails, "always-fails", S::Error,
             "a value that reads no input fails, so it fails on every evaluation"},
    CodeInfo{Code::UnreadableFile, "unreadable-file", S::Error,
             "a policy file, or a module file it imports, cannot be read"},
    CodeInfo{Code::Internal, "internal", S::Error, "a bug in Proviso: a check that cannot fail did"},
    CodeInfo{Code::DaysAsWorkingTime, "days-as-working-time", S::Error,
             "a plain duration in days or weeks is counted as working time, 24 working hours a day"},
    CodeInfo{Code::PercentProduct, "percent-product", S::Error,
             "a percent is multiplied by a number or a percent: `25% of x` says which is meant"},
    CodeInfo{Code::BusinessDayLength, "business-day-length", S::Warning,
             "a calendar's `business day` is not the length of any of its working days"},
    CodeInfo{Code::InvalidPauses, "invalid-pauses", S::Error,
             "what follows `pausing` is not a list of records with `from` and `until` datetimes"},
    CodeInfo{Code::OpenPauseNeedsInstant, "open-pause-needs-instant", S::Error,
             "pauses whose `until` may be absent need `as of`: the instant an open pause lasts until"},
    CodeInfo{Code::CalendarHoursTwice, "calendar-hours-twice", S::Error,
             "a calendar gives its hours by day lines and by `schedule`, or by two `schedule` lines"},
    CodeInfo{Code::InvalidInputType, "invalid-input-type", S::Error,
             "an input field has a type that records cannot give (calendar, schedule, holidays)"},
};

// The table is indexed by number: a code out of place would print another code's entry.
constexpr bool in_order() {
  for (size_t i = 0; i < kCodes.size(); ++i)
    if (static_cast<size_t>(kCodes[i].code) != i + 1) return false;
  return true;
}
static_assert(in_order(), "kCodes must list every code in the order of its number");
static_assert(static_cast<size_t>(Code::InvalidInputType) == kCodes.size(), "every code needs a row in kCodes");

}  // namespace

std::span<const CodeInfo> all_codes() { return kCodes; }

const CodeInfo& code_info(Code code) {
  size_t i = static_cast<size_t>(code);
  // INVARIANT: every enumerator has a row (the static_asserts above); a value cast from an
  // integer outside the enum is a bug, reported as the internal code rather than read past the end.
  if (i < 1 || i > kCodes.size()) return kCodes[static_cast<size_t>(Code::Internal) - 1];
  return kCodes[i - 1];
}

std::string code_id(Code code) { return fmt::format("P{:04}", static_cast<unsigned>(code)); }

const CodeInfo* find_code(std::string_view text) {
  for (const CodeInfo& c : kCodes) {
    if (c.name == text) return &c;
    std::string id = code_id(c.code);
    if (text.size() == id.size() && std::tolower(static_cast<unsigned char>(text[0])) == 'p' &&
        text.substr(1) == std::string_view(id).substr(1))
      return &c;
  }
  return nullptr;
}

const char* severity_word(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

}  // namespace proviso
