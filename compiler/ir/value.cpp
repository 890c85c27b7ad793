// Structural equality of interpreter values.
#include "compiler/ir/value.h"

namespace proviso::ir {

bool equal(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Value::Kind::None: return true;
    case Value::Kind::Bool: return a.as_bool() == b.as_bool();
    case Value::Kind::Int: return a.as_int() == b.as_int();
    case Value::Kind::Decimal: return a.as_decimal() == b.as_decimal();
    case Value::Kind::Money:
      return a.as_money().currency == b.as_money().currency && a.as_money().amount == b.as_money().amount;
    case Value::Kind::Date: return a.as_date() == b.as_date();
    case Value::Kind::DateTime: return a.as_datetime() == b.as_datetime();
    case Value::Kind::Duration: return a.as_duration() == b.as_duration();
    case Value::Kind::BusinessDuration:
      return a.as_business_duration().days == b.as_business_duration().days &&
             a.as_business_duration().seconds == b.as_business_duration().seconds;
    case Value::Kind::Period: return a.as_period() == b.as_period();
    case Value::Kind::Text: return a.as_text() == b.as_text();
    case Value::Kind::Enum: return a.as_enum() == b.as_enum();
    case Value::Kind::Zone: return a.as_zone() == b.as_zone();
    case Value::Kind::Calendar: return a.as_calendar() == b.as_calendar();
    case Value::Kind::Holidays: return a.as_holidays() == b.as_holidays();
    case Value::Kind::List:
    case Value::Kind::Record: {
      const ValueList& x = a.kind() == Value::Kind::List ? a.as_list() : a.as_record();
      const ValueList& y = b.kind() == Value::Kind::List ? b.as_list() : b.as_record();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i)
        if (!equal(x[i], y[i])) return false;
      return true;
    }
  }
  return false;
}

}  // namespace proviso::ir
