// Diagnostic codes: one stable identifier (`P0017`) and short name (`unknown-name`) per problem
// a user may look up; docs/DIAGNOSTICS.md has an entry for each, which `proviso explain` prints.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace proviso {

enum class Severity { Error, Warning, Note };

// INVARIANT: a code's value is the number of its identifier (`Syntax = 1` is `P0001`). The
// numbers are a public contract (scripts, editors, `proviso explain`): a new code takes the
// next free number, and a code that is no longer produced keeps its number, never reused.
enum class Code : uint16_t {
  // reading the file
  Syntax = 1,
  UnterminatedText = 2,
  InvalidText = 3,
  InvalidDate = 4,
  InvalidTimeOfDay = 5,
  InvalidLiteral = 6,
  NumberTooLarge = 7,
  DuplicateHeaderItem = 8,
  InvalidHolidays = 9,
  TooManyErrors = 10,
  FileTooLarge = 11,
  NestingTooDeep = 12,
  DeclarationTooLarge = 13,
  // names
  DuplicateDeclaration = 14,
  DuplicateField = 15,
  DuplicateMember = 16,
  UnknownName = 17,
  UnknownType = 18,
  UnknownField = 19,
  UnknownColumn = 20,
  UnknownMember = 21,
  UnknownFunction = 22,
  UnknownImport = 23,
  AmbiguousMember = 24,
  TypeUsedAsValue = 25,
  TableUsedAsValue = 26,
  Cycle = 27,
  NotAllowedInModule = 28,
  ConstantReadsInput = 29,
  FixtureOutsideTest = 30,
  // types
  TypeMismatch = 31,
  DeclaredTypeMismatch = 32,
  ConditionNotBool = 33,
  NoneNotAllowed = 34,
  BranchesDiffer = 35,
  InvalidOperands = 36,
  InvalidComparison = 37,
  CompareWithNone = 38,
  CurrencyMismatch = 39,
  NotARecord = 40,
  NotAList = 41,
  InvalidArgument = 42,
  WrongArgumentCount = 43,
  InvalidRounding = 44,
  TypeNotKnown = 45,
  MoneySumUnsupported = 46,
  MissingField = 47,
  MayBeAbsent = 48,
  NeverAbsent = 49,
  AlwaysNone = 50,
  OptionalTwice = 51,
  InvalidTypeRange = 52,
  EmptyRange = 53,
  OptionalInput = 54,
  InputNotRecord = 55,
  InvalidDecisionType = 56,
  InvalidCalendarAddition = 57,
  NotMatchable = 58,
  UnknownZone = 59,
  // matches and tables
  MatchNotExhaustive = 60,
  UnreachableArm = 61,
  TableGap = 62,
  TableOverlap = 63,
  UnreachableRow = 64,
  WrongCellCount = 65,
  InvalidOutputCell = 66,
  EmptyTable = 67,
  TableNotChecked = 68,
  InvalidPattern = 69,
  // calendars
  InvalidWorkingHours = 70,
  NoWorkingTime = 71,
  InvalidBusinessDay = 72,
  // exclusions and tests
  DuplicateExclusion = 73,
  DuplicateTest = 74,
  DuplicateGiven = 75,
  TestMissingInput = 76,
  // warnings
  NoClause = 77,
  Unused = 78,
  // found by evaluating at compile time
  EvaluationTooDeep = 79,
  ConstantFails = 80,
  AlwaysFails = 81,
  // not about the policy's text
  UnreadableFile = 82,
  Internal = 83,
  // added with language v2: constructs that earlier versions accepted (`proviso fmt --fix`
  // rewrites the errors) and a calendar warning
  DaysAsWorkingTime = 84,
  PercentProduct = 85,
  BusinessDayLength = 86,
  // stop the clock
  InvalidPauses = 87,
  OpenPauseNeedsInstant = 88,
  // schedules: a calendar's hours by name
  CalendarHoursTwice = 89,
  InvalidInputType = 90,
};

struct CodeInfo {
  Code code;
  std::string_view name;  // kebab-case, unique, e.g. "unknown-name"
  Severity severity;
  std::string_view summary;  // one lower-case line, no final period
};

// Every code, in the order of their numbers.
std::span<const CodeInfo> all_codes();
const CodeInfo& code_info(Code code);
// "P0017".
std::string code_id(Code code);
// The code of `text`: an identifier in either case (`P0017`, `p0017`) or a name
// (`unknown-name`); null when none matches.
const CodeInfo* find_code(std::string_view text);
const char* severity_word(Severity s);

}  // namespace proviso
