// Every evaluation-error message that the evaluators raise themselves, in one place: the
// interpreter and the JIT's generated code must give the same text, and a test checks that
// each message is written nowhere else in the tree. (Messages of the runtime's arithmetic,
// calendars and holidays come from runtime/ and are shared the same way.)
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace proviso::ir::msg {

inline constexpr const char* kNestsTooDeeply = "the evaluation nests too deeply";
inline constexpr const char* kAbsentRecordField = "a field of an absent record was read";
inline constexpr const char* kAbsentValue = "an absent value was used";
inline constexpr const char* kNoMatchArm = "no arm of the `match` applies";
inline constexpr const char* kWholeDaysOnly = "only whole days can be added to a date";
inline constexpr const char* kIntegerAdditionOverflows = "this integer addition overflows";
inline constexpr const char* kIntegerSubtractionOverflows = "this integer subtraction overflows";
inline constexpr const char* kIntegerMultiplicationOverflows = "this integer multiplication overflows";
inline constexpr const char* kNegationOverflows = "this negation overflows";
inline constexpr const char* kAbsoluteValueOverflows = "this absolute value overflows";
inline constexpr const char* kDurationOverflows = "this duration overflows";
inline constexpr const char* kBusinessDurationOverflows = "this business duration overflows";
inline constexpr const char* kPeriodOverflows = "this period overflows";
inline constexpr const char* kDatetimeOverflows = "this datetime overflows";

inline std::string depends_on_itself(std::string_view value) { return fmt::format("`{}` depends on itself", value); }
inline std::string no_table_row(std::string_view table) {
  return fmt::format("no row of the table `{}` matches", table);
}
inline std::string outside_its_type(std::string_view value, int64_t v, std::string_view type) {
  return fmt::format("`{}` is {}, outside its type {}", value, v, type);
}

}  // namespace proviso::ir::msg
