// The rows of the operation table, one per ir::Op in declaration order.
#include "compiler/ir/ops.h"

#include <cstdlib>

namespace proviso::ir {

namespace {

constexpr Slot U = Slot::Unused, R = Slot::Required, O = Slot::Optional;
using K = Kind;

std::vector<OpInfo> make_table() {
  // name, a, b, c, roles, kinds of a, b, c, result, aux, aux2, args, summary
  auto row = [](Op op, std::string_view name, Slot a, Slot b, Slot c, std::string_view ra, std::string_view rb,
                std::string_view rc, K ka, K kb, K kc, K result, Aux aux, Aux2 aux2, Args args,
                std::string_view summary) {
    return OpInfo{op, name, a, b, c, ra, rb, rc, ka, kb, kc, result, aux, aux2, args, summary};
  };
  const Aux2 N2 = Aux2::Unused;
  const Aux N = Aux::Unused;
  const Args NA = Args::Unused;
  auto unary = [&](Op op, std::string_view name, K ka, K result, std::string_view summary) {
    return row(op, name, R, U, U, "operand", "", "", ka, K::Any, K::Any, result, N, N2, NA, summary);
  };
  auto binary = [&](Op op, std::string_view name, K ka, K kb, K result, std::string_view summary) {
    return row(op, name, R, R, U, "left", "right", "", ka, kb, K::Any, result, N, N2, NA, summary);
  };
  auto aggregate = [&](Op op, std::string_view name, K body, K result, std::string_view summary) {
    return row(op, name, R, R, U, "list", "body", "", K::List, body, K::Any, result, Aux::LocalSlot, N2,
               Args::Exclusions, summary);
  };
  std::vector<OpInfo> t = {
      row(Op::Const, "const", U, U, U, "", "", "", K::Any, K::Any, K::Any, K::Any, Aux::ConstIndex, N2, NA,
          "a constant value"),
      row(Op::Input, "input", U, U, U, "", "", "", K::Any, K::Any, K::Any, K::Any, Aux::InputIndex, N2, NA,
          "an input record (absent for an absent optional input)"),
      row(Op::Local, "local", U, U, U, "", "", "", K::Any, K::Any, K::Any, K::Any, Aux::LocalSlot, N2, NA,
          "the variable of the enclosing aggregate"),
      row(Op::ValueRef, "value", U, U, U, "", "", "", K::Any, K::Any, K::Any, K::Any, Aux::ValueIndex, N2, NA,
          "a const, let or decision, computed once per evaluation"),
      row(Op::TableGet, "table", U, U, U, "", "", "", K::Any, K::Any, K::Any, K::Any, Aux::TableIndex,
          Aux2::TableColumn, NA, "an output column of the first table row that matches"),
      row(Op::CalendarRef, "calendar", U, U, U, "", "", "", K::Any, K::Any, K::Any, K::Calendar, Aux::CalendarIndex, N2,
          NA, "a calendar, built for this evaluation's zone and holidays"),
      row(Op::Field, "field", R, U, U, "record", "", "", K::Record, K::Any, K::Any, K::Any, Aux::FieldIndex, N2, NA,
          "a field of a record (an error when the record is absent)"),
      row(Op::Unwrap, "unwrap", R, U, U, "optional", "", "", K::Any, K::Any, K::Any, K::Any, N, N2, NA,
          "an optional known to be present by narrowing (an error when absent)"),
      row(Op::IsPresent, "is_present", R, U, U, "optional", "", "", K::Any, K::Any, K::Any, K::Bool, N, N2, NA,
          "whether an optional is present"),
      row(Op::Coalesce, "coalesce", R, R, U, "optional", "fallback", "", K::Any, K::Any, K::Any, K::Any, N, N2, NA,
          "a ?? b: a when present, else b"),
      row(Op::MakeRecord, "make_record", U, U, U, "", "", "", K::Any, K::Any, K::Any, K::Record, Aux::RecordIndex, N2,
          Args::RecordFields, "a record from its fields"),
      row(Op::WithRecord, "with", R, U, U, "record", "", "", K::Record, K::Any, K::Any, K::Record, N, N2, Args::Updates,
          "a copy of a record with some fields replaced"),
      unary(Op::Not, "not", K::Bool, K::Bool, "logical negation"),
      binary(Op::And, "and", K::Bool, K::Bool, K::Bool, "a and b; b only when a is true"),
      binary(Op::Or, "or", K::Bool, K::Bool, K::Bool, "a or b; b only when a is false"),
      row(Op::If, "if", R, R, R, "condition", "then", "else", K::Bool, K::Any, K::Any, K::Any, N, N2, NA,
          "b when a is true, else c"),
      row(Op::Switch, "match", R, U, U, "subject", "", "", K::Any, K::Any, K::Any, K::Any, N, N2, Args::Arms,
          "the first arm whose pattern matches the subject (an error when none does)"),
      binary(Op::IntAdd, "int_add", K::Integer, K::Integer, K::Integer, "integer addition (an error on overflow)"),
      binary(Op::IntSub, "int_sub", K::Integer, K::Integer, K::Integer, "integer subtraction (an error on overflow)"),
      binary(Op::IntMul, "int_mul", K::Integer, K::Integer, K::Integer,
             "integer multiplication (an error on overflow)"),
      unary(Op::IntNeg, "int_neg", K::Integer, K::Integer, "integer negation (an error on overflow)"),
      unary(Op::IntToDec, "int_to_dec", K::Integer, K::Decimal, "an integer as a decimal"),
      binary(Op::DecAdd, "dec_add", K::Decimal, K::Decimal, K::Decimal, "exact decimal addition"),
      binary(Op::DecSub, "dec_sub", K::Decimal, K::Decimal, K::Decimal, "exact decimal subtraction"),
      binary(Op::DecMul, "dec_mul", K::Decimal, K::Decimal, K::Decimal, "decimal multiplication"),
      binary(Op::DecDiv, "dec_div", K::Decimal, K::Decimal, K::Decimal, "decimal division"),
      unary(Op::DecNeg, "dec_neg", K::Decimal, K::Decimal, "decimal negation"),
      binary(Op::MoneyAdd, "money_add", K::Money, K::Money, K::Money, "money addition (one currency)"),
      binary(Op::MoneySub, "money_sub", K::Money, K::Money, K::Money, "money subtraction (one currency)"),
      binary(Op::MoneyMul, "money_mul", K::Money, K::Decimal, K::Money, "money times a decimal or percent"),
      binary(Op::MoneyDiv, "money_div", K::Money, K::Decimal, K::Money, "money divided by a decimal"),
      binary(Op::MoneyRatio, "money_ratio", K::Money, K::Money, K::Decimal, "money divided by money"),
      unary(Op::MoneyNeg, "money_neg", K::Money, K::Money, "money negation"),
      binary(Op::DurAdd, "dur_add", K::Duration, K::Duration, K::Duration, "duration addition"),
      binary(Op::DurSub, "dur_sub", K::Duration, K::Duration, K::Duration, "duration subtraction"),
      unary(Op::DurNeg, "dur_neg", K::Duration, K::Duration, "duration negation"),
      binary(Op::DurMul, "dur_mul", K::Duration, K::Integer, K::Duration, "a duration times an integer"),
      unary(Op::DurToBDur, "dur_to_business", K::Duration, K::BusinessDuration, "an absolute duration as working time"),
      binary(Op::BDurAdd, "business_add", K::BusinessDuration, K::BusinessDuration, K::BusinessDuration,
             "business duration addition"),
      binary(Op::BDurMul, "business_mul", K::BusinessDuration, K::Integer, K::BusinessDuration,
             "a business duration times an integer"),
      binary(Op::PeriodMul, "period_mul", K::Period, K::Integer, K::Period, "a period times an integer"),
      binary(Op::DateTimeAdd, "datetime_add", K::DateTime, K::Duration, K::DateTime,
             "an instant plus an absolute duration"),
      binary(Op::DateTimeSub, "datetime_sub", K::DateTime, K::Duration, K::DateTime,
             "an instant minus an absolute duration"),
      binary(Op::DateTimeDiff, "datetime_diff", K::DateTime, K::DateTime, K::Duration,
             "the absolute time between two instants"),
      binary(Op::DateAddPeriod, "date_add_period", K::Date, K::Period, K::Date,
             "a date plus months (day clamped to the month's end)"),
      binary(Op::DateSubPeriod, "date_sub_period", K::Date, K::Period, K::Date, "a date minus months"),
      binary(Op::DateAddDur, "date_add_days", K::Date, K::Duration, K::Date, "a date plus whole days"),
      binary(Op::DateSubDur, "date_sub_days", K::Date, K::Duration, K::Date, "a date minus whole days"),
      binary(Op::DateDiff, "date_diff", K::Date, K::Date, K::Duration, "the days between two dates"),
      row(Op::CalAdd, "calendar_add", R, R, R, "start", "amount", "calendar", K::DateTime, K::BusinessDuration,
          K::Calendar, K::DateTime, N, N2, NA, "the earliest instant with the given working time since start"),
      row(Op::Cmp, "cmp", R, R, U, "left", "right", "", K::Any, K::Any, K::Any, K::Bool, Aux::CmpOp, N2, NA,
          "a comparison of two values of one type"),
      binary(Op::In, "in", K::Any, K::List, K::Bool, "whether a value is an element of a list"),
      row(Op::MakeList, "list", U, U, U, "", "", "", K::Any, K::Any, K::Any, K::List, N, N2, Args::Items,
          "a list of its elements"),
      row(Op::Collect, "collect", U, U, U, "", "", "", K::Any, K::Any, K::Any, K::List, N, N2, Args::Pairs,
          "the values whose conditions hold, in order"),
      aggregate(Op::AggAny, "any", K::Bool, K::Bool, "whether the body holds for some element"),
      aggregate(Op::AggAll, "all", K::Bool, K::Bool, "whether the body holds for every element"),
      aggregate(Op::AggCount, "count", K::Bool, K::Integer, "how many elements the body holds for"),
      aggregate(Op::AggSum, "sum", K::Any, K::Any, "the sum of the body over the elements"),
      aggregate(Op::AggMin, "min", K::Any, K::Any, "the least body value (absent for an empty list)"),
      aggregate(Op::AggMax, "max", K::Any, K::Any, "the greatest body value (absent for an empty list)"),
      unary(Op::ListCount, "list_count", K::List, K::Integer, "the length of a list"),
      unary(Op::ListIsEmpty, "list_is_empty", K::List, K::Bool, "whether a list is empty"),
      unary(Op::ListFirst, "list_first", K::List, K::Any, "the first element (absent for an empty list)"),
      row(Op::MinOf, "min_of", U, U, U, "", "", "", K::Any, K::Any, K::Any, K::Any, N, N2, Args::Operands,
          "the least of its operands"),
      row(Op::MaxOf, "max_of", U, U, U, "", "", "", K::Any, K::Any, K::Any, K::Any, N, N2, Args::Operands,
          "the greatest of its operands"),
      unary(Op::Abs, "abs", K::Any, K::SameAsA, "the absolute value"),
      unary(Op::Ceil, "ceil", K::Decimal, K::Integer, "the least integer not below"),
      unary(Op::Floor, "floor", K::Decimal, K::Integer, "the greatest integer not above"),
      row(Op::Round, "round", R, U, U, "operand", "", "", K::Any, K::Any, K::Any, K::Any, Aux::RoundPlaces,
          Aux2::RoundingMode, NA, "a decimal or money rounded to some places with a rounding mode"),
      unary(Op::Blank, "blank", K::Text, K::Bool, "whether an optional text is absent or white space only"),
      binary(Op::DateOf, "date_of", K::DateTime, K::Zone, K::Date, "the local date of an instant in a zone"),
      row(Op::WorkingTime, "working_time", R, R, R, "from", "to", "calendar", K::DateTime, K::DateTime, K::Calendar,
          K::Duration, N, N2, NA, "the working time between two instants"),
      row(Op::IsOpen, "is_open", R, U, R, "at", "", "calendar", K::DateTime, K::Any, K::Calendar, K::Bool, N, N2, NA,
          "whether a calendar is open at an instant"),
      row(Op::NextOpening, "next_opening", R, U, R, "at", "", "calendar", K::DateTime, K::Any, K::Calendar, K::DateTime,
          N, N2, NA, "the instant itself when open, else the next opening"),
      row(Op::CalPause, "calendar_pausing", R, R, O, "calendar", "pauses", "as_of", K::Calendar, K::List, K::DateTime,
          K::Calendar, N, N2, Args::PauseFields,
          "the calendar with no working time in the pauses (an open pause lasts until as_of)"),
      row(Op::BDurLength, "business_length", R, U, R, "amount", "", "calendar", K::BusinessDuration, K::Any,
          K::Calendar, K::Duration, N, N2, NA, "a business duration as working time (its days of the business day)"),
      unary(Op::DurSeconds, "dur_seconds", K::Duration, K::Integer, "a duration in seconds"),
      row(Op::DatePart, "date_part", R, U, U, "date", "", "", K::Date, K::Any, K::Any, K::Any, Aux::DatePart, N2, NA,
          "the year, month, day, weekday or days of the month of a date, or its month's or week's first or last day"),
      row(Op::Rank, "rank", R, U, U, "value", "", "", K::Any, K::Any, K::Any, K::Integer, N, N2, Args::Boundaries,
          "2i+1 when the value equals boundary i, 2i when it lies below boundary i and above i-1"),
      unary(Op::AsPercent, "as_percent", K::Decimal, K::Decimal, "a decimal fraction as a percent (1 is 100%)"),
      unary(Op::ListLast, "list_last", K::List, K::Any, "the last element (absent for an empty list)"),
      aggregate(Op::AggFilter, "filter", K::Bool, K::List, "the elements the body holds for, in order"),
      aggregate(Op::AggMinBy, "min_by", K::Any, K::Any, "the first element whose body is least (absent when empty)"),
      aggregate(Op::AggMaxBy, "max_by", K::Any, K::Any, "the first element whose body is greatest (absent when empty)"),
      unary(Op::ToText, "text", K::Any, K::Text, "a value as text"),
      binary(Op::HolidaysUnion, "holidays_union", K::Holidays, K::Holidays, K::Holidays, "two holiday sets united"),
      binary(Op::HolidaysAdd, "holidays_add", K::Holidays, K::ListOfDates, K::Holidays,
             "a holiday set with dates added"),
      binary(Op::HolidaysRemove, "holidays_remove", K::Holidays, K::ListOfDates, K::Holidays,
             "a holiday set with dates removed"),
      row(Op::ScheduleRef, "schedule", U, U, U, "", "", "", K::Any, K::Any, K::Any, K::Schedule, Aux::ScheduleIndex, N2,
          NA, "a schedule: weekly hours for a calendar, by their index"),
  };
  for (size_t i = 0; i < t.size(); ++i)
    if (static_cast<size_t>(t[i].op) != i) std::abort();  // INVARIANT: rows in ir::Op order
  return t;
}

}  // namespace

const std::vector<OpInfo>& op_table() {
  static const std::vector<OpInfo> table = make_table();
  return table;
}

const OpInfo& op_info(Op op) { return op_table()[static_cast<size_t>(op)]; }

std::string_view op_name(Op op) {
  auto i = static_cast<size_t>(op);
  return i < op_table().size() ? op_table()[i].name : std::string_view("?");
}

std::string_view cmp_name(CmpOp op) {
  switch (op) {
    case CmpOp::Eq: return "==";
    case CmpOp::Ne: return "!=";
    case CmpOp::Lt: return "<";
    case CmpOp::Le: return "<=";
    case CmpOp::Gt: return ">";
    case CmpOp::Ge: return ">=";
  }
  return "?";
}

}  // namespace proviso::ir
