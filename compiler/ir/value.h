// Values the reference interpreter computes with, and decoded input records. The static
// type (ir::Type) says what a value means: a Decimal may be a decimal or a percent.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include <proviso/rt/calendar.h>
#include <proviso/rt/decimal.h>
#include <proviso/rt/holidays.h>
#include <proviso/rt/money.h>
#include <proviso/rt/time.h>

namespace proviso::ir {

struct DateValue {
  rt::Date days = 0;
};
struct DateTimeValue {
  rt::Instant seconds = 0;
};
struct DurationValue {
  rt::Duration seconds = 0;
};
// `N business days` + `M business seconds`: resolved against a calendar's business day.
struct BusinessDurationValue {
  int64_t days = 0;
  int64_t seconds = 0;
};
struct PeriodValue {
  int64_t months = 0;
};
struct EnumValue {
  int32_t member = 0;
};
struct ZoneValue {
  const rt::Zone* zone = nullptr;
};
struct CalendarValue {
  std::shared_ptr<const rt::Calendar> calendar;
};
struct HolidaysValue {
  std::shared_ptr<const rt::HolidaySet> set;
};

struct Value;
using ValueList = std::vector<Value>;
struct ListValue {
  std::shared_ptr<const ValueList> items;
};
struct RecordValue {
  std::shared_ptr<const ValueList> fields;
};  // in schema field order

struct Value {
  // INVARIANT: the alternative order is the order of Kind.
  enum class Kind : uint8_t {
    None,
    Bool,
    Int,
    Decimal,
    Money,
    Date,
    DateTime,
    Duration,
    BusinessDuration,
    Period,
    Text,
    Enum,
    Zone,
    Calendar,
    Holidays,
    List,
    Record,
  };
  std::variant<std::monostate, bool, int64_t, rt::Decimal, rt::Money, DateValue, DateTimeValue, DurationValue,
               BusinessDurationValue, PeriodValue, std::string, EnumValue, ZoneValue, CalendarValue, HolidaysValue,
               ListValue, RecordValue>
      v;

  Value() = default;
  template <class T>
  Value(T x) : v(std::move(x)) {}

  Kind kind() const { return static_cast<Kind>(v.index()); }
  bool is_none() const { return v.index() == 0; }

  bool as_bool() const { return std::get<bool>(v); }
  int64_t as_int() const { return std::get<int64_t>(v); }
  const rt::Decimal& as_decimal() const { return std::get<rt::Decimal>(v); }
  const rt::Money& as_money() const { return std::get<rt::Money>(v); }
  rt::Date as_date() const { return std::get<DateValue>(v).days; }
  rt::Instant as_datetime() const { return std::get<DateTimeValue>(v).seconds; }
  rt::Duration as_duration() const { return std::get<DurationValue>(v).seconds; }
  const BusinessDurationValue& as_business_duration() const { return std::get<BusinessDurationValue>(v); }
  int64_t as_period() const { return std::get<PeriodValue>(v).months; }
  const std::string& as_text() const { return std::get<std::string>(v); }
  int32_t as_enum() const { return std::get<EnumValue>(v).member; }
  const rt::Zone* as_zone() const { return std::get<ZoneValue>(v).zone; }
  const std::shared_ptr<const rt::Calendar>& as_calendar() const { return std::get<CalendarValue>(v).calendar; }
  const std::shared_ptr<const rt::HolidaySet>& as_holidays() const { return std::get<HolidaysValue>(v).set; }
  const ValueList& as_list() const { return *std::get<ListValue>(v).items; }
  const ValueList& as_record() const { return *std::get<RecordValue>(v).fields; }

  static Value none() { return Value(); }
  static Value list(ValueList items) { return Value(ListValue{std::make_shared<const ValueList>(std::move(items))}); }
  static Value record(ValueList fields) {
    return Value(RecordValue{std::make_shared<const ValueList>(std::move(fields))});
  }
};

// Structural equality: decimals and money by value (1.0 == 1.00), instants as instants.
bool equal(const Value& a, const Value& b);

}  // namespace proviso::ir
